// TSIG (RFC 8945): signs an update with a shared HMAC key and checks the server's signed reply, so
// a forged "NOERROR" cannot make us believe a record was changed.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CLASS, encodeName, encodeRR, type ParsedRR, readName, TYPE, u16, u32, u48 } from './dns-wire.js';

export interface TsigKey {
  name: string;
  algorithm: string;
  /** The base64 secret, decoded. */
  secret: Buffer;
}

const ALGORITHMS: Record<string, { wire: string; hash: string }> = {
  'hmac-md5': { wire: 'hmac-md5.sig-alg.reg.int', hash: 'md5' },
  'hmac-sha1': { wire: 'hmac-sha1', hash: 'sha1' },
  'hmac-sha224': { wire: 'hmac-sha224', hash: 'sha224' },
  'hmac-sha256': { wire: 'hmac-sha256', hash: 'sha256' },
  'hmac-sha384': { wire: 'hmac-sha384', hash: 'sha384' },
  'hmac-sha512': { wire: 'hmac-sha512', hash: 'sha512' },
};

export const FUDGE_S = 300;

function algorithm(key: TsigKey) {
  const a = ALGORITHMS[key.algorithm];
  if (!a) throw new Error(`unsupported TSIG algorithm ${key.algorithm}`);
  return a;
}

/** The TSIG variables that follow the message in the MAC input. */
function variables(key: TsigKey, timeSigned: number, error: number, other: Buffer): Buffer {
  return Buffer.concat([
    encodeName(key.name),
    u16(CLASS.ANY),
    u32(0),
    encodeName(algorithm(key).wire),
    u48(timeSigned),
    u16(FUDGE_S),
    u16(error),
    u16(other.length),
    other,
  ]);
}

function tsigRdata(key: TsigKey, timeSigned: number, mac: Buffer, originalId: number, error = 0): Buffer {
  return Buffer.concat([
    encodeName(algorithm(key).wire),
    u48(timeSigned),
    u16(FUDGE_S),
    u16(mac.length),
    mac,
    u16(originalId),
    u16(error),
    u16(0),
  ]);
}

/** Appends a TSIG record to an unsigned message; returns the signed message and the request MAC. */
export function signMessage(unsigned: Buffer, key: TsigKey, nowS: number): { message: Buffer; mac: Buffer } {
  const id = unsigned.readUInt16BE(0);
  const mac = createHmac(algorithm(key).hash, key.secret)
    .update(unsigned)
    .update(variables(key, nowS, 0, Buffer.alloc(0)))
    .digest();
  const rr = encodeRR({
    name: key.name,
    type: TYPE.TSIG,
    klass: CLASS.ANY,
    ttl: 0,
    rdata: tsigRdata(key, nowS, mac, id),
  });
  const message = Buffer.concat([unsigned, rr]);
  message.writeUInt16BE(unsigned.readUInt16BE(10) + 1, 10);
  return { message, mac };
}

export interface TsigReply {
  /** The TSIG error the server reported (0, BADSIG 16, BADKEY 17, BADTIME 18). */
  error: number;
  /** Whether the reply's MAC checks out against our key and request MAC. */
  valid: boolean;
}

/** Reads and checks the TSIG record that ends a reply; undefined when the reply is unsigned. */
export function verifyReply(
  reply: Buffer,
  tsig: ParsedRR | undefined,
  key: TsigKey,
  requestMac: Buffer,
): TsigReply | undefined {
  if (!tsig || tsig.type !== TYPE.TSIG) return undefined;
  const rd = reply.subarray(tsig.rdataStart, tsig.rdataStart + tsig.rdata.length);
  const alg = readName(reply, tsig.rdataStart);
  let p = alg.next;
  const timeSigned = reply.readUIntBE(p, 6);
  p += 8; // time signed, fudge
  const macLen = reply.readUInt16BE(p);
  const mac = reply.subarray(p + 2, p + 2 + macLen);
  p += 2 + macLen;
  const originalId = reply.readUInt16BE(p);
  const error = reply.readUInt16BE(p + 2);
  const otherLen = reply.readUInt16BE(p + 4);
  const other = reply.subarray(p + 6, p + 6 + otherLen);
  if (p + 6 + otherLen > tsig.rdataStart + rd.length) return { error, valid: false };
  if (macLen === 0) return { error, valid: false };
  const body = Buffer.from(reply.subarray(0, tsig.start));
  body.writeUInt16BE(originalId, 0);
  body.writeUInt16BE(reply.readUInt16BE(10) - 1, 10);
  const expected = createHmac(algorithm(key).hash, key.secret)
    .update(u16(requestMac.length))
    .update(requestMac)
    .update(body)
    .update(variables(key, timeSigned, error, other))
    .digest();
  const valid = expected.length === mac.length && timingSafeEqual(expected, mac);
  return { error, valid };
}
