// A Xiaomi MIoT plug on UDP: answers the hello (0x2131, length 32, 0xffffffff…) with its device id
// and clock, and answers only packets whose MD5 checksum and AES-128-CBC payload match its token
// (wrong token → silence, as real devices do). Speaks `get_properties` / `set_properties`.
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { type RelayOptions, SimRelay } from './relay.js';

const md5 = (...parts: Buffer[]) => createHash('md5').update(Buffer.concat(parts)).digest();

export interface MiioSim {
  address: string;
  token: string;
  relay: SimRelay;
  /** Methods of accepted requests, in order. */
  calls: string[];
  /** Packets dropped for a bad checksum or undecryptable payload. */
  rejected: number;
  close(): Promise<void>;
}

export async function startMiio(
  opts: RelayOptions & { token?: string; power?: { siid: number; piid: number } } = {},
): Promise<MiioSim> {
  const relay = new SimRelay(opts);
  const tokenHex = opts.token ?? 'c5f1a2b3d4e5f60718293a4b5c6d7e8f';
  const token = Buffer.from(tokenHex, 'hex');
  const key = md5(token);
  const iv = md5(key, token);
  const deviceId = 0x1a2b3c4d;
  const bootedAt = Date.now();
  const stamp = () => 1000 + Math.floor((Date.now() - bootedAt) / 1000);
  const power = opts.power ?? { siid: 11, piid: 2 };
  const sim = { calls: [] as string[], rejected: 0 };

  const packet = (payload: Buffer | undefined, checksum?: Buffer) => {
    const header = Buffer.alloc(32);
    header.writeUInt16BE(0x2131, 0);
    header.writeUInt16BE(32 + (payload?.length ?? 0), 2);
    header.writeUInt32BE(0, 4);
    header.writeUInt32BE(deviceId, 8);
    header.writeUInt32BE(stamp(), 12);
    if (payload) md5(header.subarray(0, 16), token, payload).copy(header, 16);
    else (checksum ?? Buffer.alloc(16, 0xff)).copy(header, 16);
    return payload ? Buffer.concat([header, payload]) : header;
  };

  const handle = (request: { id?: unknown; method?: unknown; params?: unknown }): unknown => {
    const method = String(request.method);
    sim.calls.push(method);
    const params = Array.isArray(request.params) ? request.params : [];
    if (method === 'get_properties')
      return {
        id: request.id,
        result: params.map((p: { did?: string; siid?: number; piid?: number }) => {
          if (p.siid === 2 && p.piid === 1) return { did: p.did, siid: 2, piid: 1, code: 0, value: relay.on };
          if (p.siid === power.siid && p.piid === power.piid)
            return { did: p.did, siid: p.siid, piid: p.piid, code: 0, value: relay.power };
          return { did: p.did, siid: p.siid, piid: p.piid, code: -4003 };
        }),
      };
    if (method === 'set_properties')
      return {
        id: request.id,
        result: params.map((p: { did?: string; siid?: number; piid?: number; value?: unknown }) => {
          if (p.siid === 2 && p.piid === 1 && typeof p.value === 'boolean') {
            relay.set(p.value, 'command');
            return { did: p.did, siid: 2, piid: 1, code: 0 };
          }
          return { did: p.did, siid: p.siid, piid: p.piid, code: -4003 };
        }),
      };
    return { id: request.id, error: { code: -32601, message: 'Method not found.' } };
  };

  const socket = createSocket('udp4');
  socket.on('message', (msg, rinfo) => {
    if (!relay.answering || msg.length < 32 || msg.readUInt16BE(0) !== 0x2131) return;
    if (msg.length === 32) {
      socket.send(packet(undefined), rinfo.port, rinfo.address);
      return;
    }
    const payload = msg.subarray(32);
    if (!md5(msg.subarray(0, 16), token, payload).equals(msg.subarray(16, 32))) {
      sim.rejected++;
      return;
    }
    let request: { id?: unknown; method?: unknown; params?: unknown };
    try {
      const d = createDecipheriv('aes-128-cbc', key, iv);
      request = JSON.parse(
        Buffer.concat([d.update(payload), d.final()])
          .toString('utf8')
          .replace(/\0+$/, ''),
      );
    } catch {
      sim.rejected++;
      return;
    }
    const text = relay.fault === 'garbage' ? 'not json at all' : JSON.stringify(handle(request));
    const c = createCipheriv('aes-128-cbc', key, iv);
    socket.send(
      packet(Buffer.concat([c.update(Buffer.from(text, 'utf8')), c.final()])),
      rinfo.port,
      rinfo.address,
    );
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return {
    address: `127.0.0.1:${socket.address().port}`,
    token: tokenHex,
    relay,
    get calls() {
      return sim.calls;
    },
    get rejected() {
      return sim.rejected;
    },
    async close() {
      relay.close();
      await new Promise<void>((r) => socket.close(() => r()));
    },
  };
}
