// Just enough DNS wire format for RFC 2136 updates and their replies: names, a message header, and
// a walk over resource records (replies may compress names). No npm package signs with TSIG, and
// dns-packet cannot encode the class-ANY deletes an update needs, so this small part is ours.

export const TYPE = { A: 1, NS: 2, SOA: 6, TXT: 16, AAAA: 28, TSIG: 250, CAA: 257 } as const;
export const CLASS = { IN: 1, NONE: 254, ANY: 255 } as const;
export const OPCODE_UPDATE = 5;

/** Canonical (lower-case, uncompressed) wire form of a domain name. */
export function encodeName(name: string): Buffer {
  const labels = name.replace(/\.$/, '').toLowerCase().split('.').filter(Boolean);
  const parts: Buffer[] = [];
  for (const label of labels) {
    const bytes = Buffer.from(label, 'ascii');
    if (bytes.length > 63) throw new Error(`label too long in ${name}`);
    parts.push(Buffer.from([bytes.length]), bytes);
  }
  parts.push(Buffer.from([0]));
  const out = Buffer.concat(parts);
  if (out.length > 255) throw new Error(`name too long: ${name}`);
  return out;
}

export function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function u48(n: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUIntBE(n, 0, 6);
  return b;
}

export interface RR {
  name: string;
  type: number;
  klass: number;
  ttl: number;
  rdata: Buffer;
}

export function encodeRR(rr: RR): Buffer {
  return Buffer.concat([
    encodeName(rr.name),
    u16(rr.type),
    u16(rr.klass),
    u32(rr.ttl),
    u16(rr.rdata.length),
    rr.rdata,
  ]);
}

export interface Header {
  id: number;
  flags: number;
  counts: [number, number, number, number];
}

export function encodeHeader(h: Header): Buffer {
  return Buffer.concat([u16(h.id), u16(h.flags), ...h.counts.map(u16)]);
}

/** Reads a possibly compressed name; returns it and the offset just past it in the record. */
export function readName(msg: Buffer, offset: number): { name: string; next: number } {
  const labels: string[] = [];
  let pos = offset;
  let next = -1;
  for (let hops = 0; hops < 128; hops++) {
    if (pos >= msg.length) throw new Error('name runs past the message');
    const len = msg[pos]!;
    if (len === 0) {
      if (next < 0) next = pos + 1;
      return { name: labels.join('.'), next };
    }
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= msg.length) throw new Error('bad compression pointer');
      if (next < 0) next = pos + 2;
      pos = ((len & 0x3f) << 8) | msg[pos + 1]!;
      continue;
    }
    if (pos + 1 + len > msg.length) throw new Error('label runs past the message');
    labels.push(msg.subarray(pos + 1, pos + 1 + len).toString('ascii'));
    pos += 1 + len;
  }
  throw new Error('name compression loop');
}

export interface ParsedRR extends RR {
  /** Where the record starts in the message (TSIG verification needs the bytes before it). */
  start: number;
  rdataStart: number;
}

/** Header and every record of a reply; throws on a truncated or malformed message. */
export function parseMessage(msg: Buffer): { header: Header; records: ParsedRR[] } {
  if (msg.length < 12) throw new Error('reply shorter than a DNS header');
  const header: Header = {
    id: msg.readUInt16BE(0),
    flags: msg.readUInt16BE(2),
    counts: [msg.readUInt16BE(4), msg.readUInt16BE(6), msg.readUInt16BE(8), msg.readUInt16BE(10)],
  };
  let pos = 12;
  for (let i = 0; i < header.counts[0]; i++) pos = readName(msg, pos).next + 4;
  const records: ParsedRR[] = [];
  const rrCount = header.counts[1] + header.counts[2] + header.counts[3];
  for (let i = 0; i < rrCount; i++) {
    const start = pos;
    const { name, next } = readName(msg, pos);
    if (next + 10 > msg.length) throw new Error('record header runs past the message');
    const type = msg.readUInt16BE(next);
    const klass = msg.readUInt16BE(next + 2);
    const ttl = msg.readUInt32BE(next + 4);
    const len = msg.readUInt16BE(next + 8);
    const rdataStart = next + 10;
    if (rdataStart + len > msg.length) throw new Error('record data runs past the message');
    records.push({
      name,
      type,
      klass,
      ttl,
      rdata: msg.subarray(rdataStart, rdataStart + len),
      start,
      rdataStart,
    });
    pos = rdataStart + len;
  }
  return { header, records };
}

export const RCODE_NAMES: Record<number, string> = {
  0: 'NOERROR',
  1: 'FORMERR',
  2: 'SERVFAIL',
  3: 'NXDOMAIN',
  4: 'NOTIMP',
  5: 'REFUSED',
  6: 'YXDOMAIN',
  7: 'YXRRSET',
  8: 'NXRRSET',
  9: 'NOTAUTH',
  10: 'NOTZONE',
  16: 'BADSIG',
  17: 'BADKEY',
  18: 'BADTIME',
};
