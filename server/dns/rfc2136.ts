// RFC 2136 dynamic update with a TSIG key (BIND, Knot, PowerDNS …): replace the record's A / AAAA
// set in one signed message over TCP, then read it back from the same authoritative server.
import { randomInt } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { LifelineError } from '../../shared/protocol/errors.js';
import type { IpFamily } from '../../shared/protocol/network.js';
import { splitHostPort } from '../host-port.js';
import {
  CLASS,
  encodeHeader,
  encodeName,
  encodeRR,
  OPCODE_UPDATE,
  parseMessage,
  RCODE_NAMES,
  type RR,
  TYPE,
  u16,
} from './dns-wire.js';
import { REQUEST_TIMEOUT_MS } from './http-client.js';
import type { DdnsProvider } from './provider.js';
import type { DnsProviderConfig } from './provider-config.js';
import { type DnsClient, dnsClient } from './query.js';
import { signMessage, type TsigKey, verifyReply } from './tsig.js';

function loadKey(cfg: NonNullable<DnsProviderConfig['key']>): TsigKey {
  let text = cfg.secret;
  if (!text && cfg.secretFile) {
    try {
      text = readFileSync(path.resolve(cfg.secretFile), 'utf8').trim();
    } catch {
      throw new LifelineError('failed', `cannot read the TSIG secret file ${cfg.secretFile}`);
    }
  }
  const secret = Buffer.from(text ?? '', 'base64');
  if (secret.length === 0) throw new LifelineError('failed', `the TSIG key ${cfg.name} has no secret`);
  return { name: cfg.name, algorithm: cfg.algorithm, secret };
}

/** One request/response over DNS-over-TCP (two-byte length prefix). */
function exchange(host: string, port: number, message: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (err: LifelineError) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(REQUEST_TIMEOUT_MS, () =>
      fail(new LifelineError('timeout', `${host}:${port}: no answer within ${REQUEST_TIMEOUT_MS / 1000} s`)),
    );
    socket.on('connect', () => socket.write(Buffer.concat([u16(message.length), message])));
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      size += d.length;
      const all = Buffer.concat(chunks, size);
      if (all.length >= 2 && all.length >= 2 + all.readUInt16BE(0)) {
        socket.end();
        resolve(all.subarray(2, 2 + all.readUInt16BE(0)));
      }
    });
    socket.on('error', (err: NodeJS.ErrnoException) =>
      fail(
        new LifelineError(
          'unreachable',
          `${host}:${port}: ${err.code === 'ECONNREFUSED' ? 'connection refused' : (err.code ?? err.message)}`,
        ),
      ),
    );
    socket.on('end', () => {
      if (size < 2) fail(new LifelineError('unreachable', `${host}:${port}: closed without an answer`));
    });
  });
}

const TSIG_ERRORS: Record<number, string> = {
  16: 'BADSIG — the secret is wrong',
  17: 'BADKEY — the server does not know this key name or algorithm',
  18: 'BADTIME — this machine’s clock is off by more than 5 minutes',
};

export function rfc2136Provider(cfg: DnsProviderConfig, record: string): DdnsProvider {
  // `ns1.example.org`, `192.0.2.53:5353`, `2001:db8::53`, `[2001:db8::53]:53` (port 53 unless given).
  const at = splitHostPort(cfg.server!) ?? { host: cfg.server! };
  const host = at.host;
  const port = at.port ?? 53;
  let resolved: { ip: string; lookup: DnsClient } | undefined;
  let zone = cfg.zone?.replace(/\.$/, '');

  /** The server may be a host name (ns1.example.org): resolved when needed, so a DNS outage at start costs nothing. */
  const server = async () => {
    if (resolved) return resolved;
    let ip = host;
    if (!net.isIP(host))
      try {
        ip = (await dnsLookup(host)).address;
      } catch {
        throw new LifelineError('unreachable', `${cfg.server}: cannot resolve the server's name`);
      }
    const address = ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
    resolved = { ip, lookup: dnsClient({ label: `${cfg.server}`, address }) };
    return resolved;
  };

  const findZone = async (): Promise<string> => {
    if (zone) return zone;
    const labels = record.split('.');
    for (let i = 0; i < labels.length - 1; i++) {
      const candidate = labels.slice(i).join('.');
      if (await (await server()).lookup.soa(candidate)) {
        zone = candidate;
        return zone;
      }
    }
    throw new LifelineError(
      'failed',
      `${cfg.server} is not authoritative for any zone above ${record}; set zone`,
    );
  };

  /** Sends a signed update; `updates` empty makes a no-op that only proves the key may update. */
  const send = async (updates: RR[]): Promise<void> => {
    const key = loadKey(cfg.key!);
    const z = await findZone();
    const id = randomInt(0, 65536);
    const unsigned = Buffer.concat([
      encodeHeader({ id, flags: OPCODE_UPDATE << 11, counts: [1, 0, updates.length, 0] }),
      encodeName(z),
      u16(TYPE.SOA),
      u16(CLASS.IN),
      ...updates.map(encodeRR),
    ]);
    const { message, mac } = signMessage(unsigned, key, Math.floor(Date.now() / 1000));
    const reply = await exchange((await server()).ip, port, message);
    let parsed: ReturnType<typeof parseMessage>;
    try {
      parsed = parseMessage(reply);
    } catch (err) {
      throw new LifelineError('failed', `${cfg.server}: garbled reply (${(err as Error).message})`);
    }
    if (parsed.header.id !== id) throw new LifelineError('failed', `${cfg.server}: reply to another request`);
    const rcode = parsed.header.flags & 0xf;
    const last = parsed.records[parsed.records.length - 1];
    const tsig = verifyReply(reply, last?.type === TYPE.TSIG ? last : undefined, key, mac);
    if (tsig && tsig.error !== 0)
      throw new LifelineError(
        'refused',
        `${cfg.server} rejected the TSIG key "${key.name}": ${TSIG_ERRORS[tsig.error] ?? `error ${tsig.error}`}`,
        { reason: RCODE_NAMES[tsig.error] ?? String(tsig.error) },
      );
    if (rcode === 9)
      throw new LifelineError('refused', `${cfg.server} rejected the TSIG key "${key.name}" (NOTAUTH)`, {
        reason: 'NOTAUTH',
      });
    if (rcode === 5)
      throw new LifelineError(
        'refused',
        `${cfg.server} refused the update: key "${key.name}" may not update zone ${z} (REFUSED)`,
        { reason: 'REFUSED' },
      );
    if (rcode !== 0)
      throw new LifelineError(
        'failed',
        `${cfg.server}: update failed with ${RCODE_NAMES[rcode] ?? `rcode ${rcode}`}`,
        {
          reason: RCODE_NAMES[rcode] ?? String(rcode),
        },
      );
    if (!tsig?.valid)
      throw new LifelineError('failed', `${cfg.server}: the reply's TSIG signature does not check out`);
  };

  const typeOf = (family: IpFamily) => (family === 'ipv4' ? TYPE.A : TYPE.AAAA);
  const rdata = (address: string) => {
    const v4 = net.isIPv4(address);
    if (v4) return Buffer.from(address.split('.').map(Number));
    const groups = expandV6(address);
    return Buffer.concat(groups.map((g) => u16(Number.parseInt(g, 16))));
  };

  const current = async (family: IpFamily) => {
    const { lookup } = await server();
    const answers = family === 'ipv4' ? await lookup.a(record) : await lookup.aaaa(record);
    return answers.map((a) => a.address);
  };

  return {
    provider: 'rfc2136',
    current,
    async update(family, address) {
      await send([
        { name: record, type: typeOf(family), klass: CLASS.ANY, ttl: 0, rdata: Buffer.alloc(0) },
        { name: record, type: typeOf(family), klass: CLASS.IN, ttl: cfg.ttl, rdata: rdata(address) },
      ]);
    },
    async verify(family, address) {
      const now = await current(family);
      return now.length === 1 && now[0] === address;
    },
    async checkCredentials() {
      await send([]);
      return `TSIG key "${cfg.key!.name}" accepted by ${cfg.server} for zone ${await findZone()}`;
    },
    async setTxt(name, value) {
      // Added to the set, not replacing it: two challenges for one name may be pending at once.
      await send([{ name, type: TYPE.TXT, klass: CLASS.IN, ttl: cfg.ttl, rdata: txtRdata(value) }]);
    },
    async removeTxt(name, value) {
      await send([{ name, type: TYPE.TXT, klass: CLASS.NONE, ttl: 0, rdata: txtRdata(value) }]);
    },
    stop() {
      resolved?.lookup.cancel();
    },
  };
}

/** TXT RDATA: the text as <character-string>s of at most 255 bytes each (RFC 1035 §3.3.14). */
function txtRdata(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i === 0 || i < bytes.length; i += 255) {
    const chunk = bytes.subarray(i, i + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(parts);
}

function expandV6(address: string): string[] {
  const [head, tail] = address.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const fill = address.includes('::') ? Array(8 - h.length - t.length).fill('0') : [];
  return [...h, ...fill, ...t];
}
