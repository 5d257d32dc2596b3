// The miIO UDP packet (port 54321), big-endian: magic 0x2131, length, unknown, device id, stamp,
// MD5 checksum over header[0..16] + token + payload; the payload is AES-128-CBC with
// key = MD5(token) and iv = MD5(key + token). Hand-written: the npm miio clients are abandoned.
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';

export const MIIO_PORT = 54321;
export const HELLO = Buffer.from(`21310020${'ff'.repeat(28)}`, 'hex');

const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();

export interface MiioKeys {
  token: Buffer;
  key: Buffer;
  iv: Buffer;
}

export function miioKeys(tokenHex: string): MiioKeys {
  const token = Buffer.from(tokenHex, 'hex');
  const key = md5(token);
  return { token, key, iv: md5(key, token) };
}

export interface MiioHeader {
  length: number;
  unknown: number;
  deviceId: number;
  stamp: number;
  checksum: Buffer;
}

export function parseHeader(packet: Buffer): MiioHeader | undefined {
  if (packet.length < 32 || packet.readUInt16BE(0) !== 0x2131) return undefined;
  const length = packet.readUInt16BE(2);
  if (length !== packet.length) return undefined;
  return {
    length,
    unknown: packet.readUInt32BE(4),
    deviceId: packet.readUInt32BE(8),
    stamp: packet.readUInt32BE(12),
    checksum: packet.subarray(16, 32),
  };
}

export function encodePacket(keys: MiioKeys, deviceId: number, stamp: number, json: string): Buffer {
  const cipher = createCipheriv('aes-128-cbc', keys.key, keys.iv);
  const payload = Buffer.concat([cipher.update(Buffer.from(`${json}\0`, 'utf8')), cipher.final()]);
  const header = Buffer.alloc(32);
  header.writeUInt16BE(0x2131, 0);
  header.writeUInt16BE(32 + payload.length, 2);
  header.writeUInt32BE(0, 4);
  header.writeUInt32BE(deviceId >>> 0, 8);
  header.writeUInt32BE(stamp >>> 0, 12);
  md5(header.subarray(0, 16), keys.token, payload).copy(header, 16);
  return Buffer.concat([header, payload]);
}

/** The JSON inside a packet, or undefined when the checksum or the encryption does not match the token. */
export function decodePacket(keys: MiioKeys, packet: Buffer): string | undefined {
  const header = parseHeader(packet);
  if (!header || packet.length === 32) return undefined;
  const payload = packet.subarray(32);
  if (!md5(packet.subarray(0, 16), keys.token, payload).equals(header.checksum)) return undefined;
  try {
    const decipher = createDecipheriv('aes-128-cbc', keys.key, keys.iv);
    const plain = Buffer.concat([decipher.update(payload), decipher.final()]);
    return plain.toString('utf8').replace(/\0+$/, '');
  } catch {
    return undefined;
  }
}
