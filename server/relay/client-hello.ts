// The two things the relay reads of a phone's TLS: the server name in its ClientHello (RFC 6066
// `server_name`, RFC 8446 §4.1.2), to pick the home, and the protocols it offers (RFC 7301 ALPN),
// so an agent's link that carries its home's name as SNI (behind a load balancer hashing on it)
// reaches the relay itself, not the home. It parses only the hello's extension list; every byte it
// read goes on unchanged. A hello may arrive split across TCP segments and across TLS records.

export type HelloResult =
  | { status: 'more' }
  | { status: 'sni'; name: string; alpn: string[] }
  | { status: 'no-sni'; alpn: string[] }
  | { status: 'not-tls'; reason: string };

/** A ClientHello larger than this is refused (real ones are 0.5–2 KiB; post-quantum shares ~1.8 KiB). */
export const MAX_HELLO_BYTES = 16 * 1024;

const RECORD_HANDSHAKE = 0x16;
const HANDSHAKE_CLIENT_HELLO = 0x01;
const EXT_SERVER_NAME = 0x0000;
const EXT_ALPN = 0x0010;
const NAME_TYPE_HOST = 0x00;

// One label is a name too (`localhost`, a LAN host): no home holds one, so it goes to the fallback.
const NAME = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Reads the SNI host name from the start of a TLS connection (`data`: every byte received so far). */
export function readClientHello(data: Uint8Array): HelloResult {
  if (data.length === 0) return { status: 'more' };
  if (data[0] !== RECORD_HANDSHAKE) return { status: 'not-tls', reason: 'not a TLS handshake' };
  // Gather the handshake bytes of consecutive handshake records.
  const parts: Uint8Array[] = [];
  let have = 0;
  let at = 0;
  let need = -1;
  while (need < 0 || have < need) {
    if (at + 5 > data.length) return more(data);
    if (data[at] !== RECORD_HANDSHAKE) return { status: 'not-tls', reason: 'hello interrupted' };
    if (data[at + 1] !== 0x03) return { status: 'not-tls', reason: 'not a TLS record version' };
    const len = (data[at + 3]! << 8) | data[at + 4]!;
    if (len === 0 || len > 16_384 + 256) return { status: 'not-tls', reason: 'bad record length' };
    if (at + 5 + len > data.length) {
      // Use what arrived of this record: the name may already be inside it.
      parts.push(data.subarray(at + 5));
      have += data.length - at - 5;
      at = data.length;
    } else {
      parts.push(data.subarray(at + 5, at + 5 + len));
      have += len;
      at += 5 + len;
    }
    const hs = join(parts, have);
    if (need < 0 && hs.length >= 4) {
      if (hs[0] !== HANDSHAKE_CLIENT_HELLO) return { status: 'not-tls', reason: 'not a ClientHello' };
      need = 4 + ((hs[1]! << 16) | (hs[2]! << 8) | hs[3]!);
      if (need > MAX_HELLO_BYTES) return { status: 'not-tls', reason: 'ClientHello too large' };
    }
    const found = need > 0 ? serverName(hs.subarray(4, Math.min(hs.length, need)), hs.length >= need) : null;
    if (found) return found;
    if (at >= data.length && (need < 0 || have < need)) return more(data);
  }
  return { status: 'not-tls', reason: 'malformed ClientHello' };
}

function more(data: Uint8Array): HelloResult {
  return data.length > MAX_HELLO_BYTES + 1024
    ? { status: 'not-tls', reason: 'ClientHello too large' }
    : { status: 'more' };
}

function join(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * The name and offered protocols of a (possibly partial) ClientHello body; null when more bytes are
 * needed. `complete`: the whole body is here, so a missing extension means there is none.
 */
function serverName(body: Uint8Array, complete: boolean): HelloResult | null {
  const r = new Reader(body);
  const partial = complete ? { status: 'not-tls' as const, reason: 'malformed ClientHello' } : null;
  // legacy_version, random, session id, cipher suites, compression methods.
  if (!r.skip(2 + 32) || !r.skipVector(1) || !r.skipVector(2) || !r.skipVector(1)) return partial;
  if (r.left === 0) return complete ? { status: 'no-sni', alpn: [] } : null;
  const extLen = r.u16();
  if (extLen === undefined) return partial;
  const end = r.pos + extLen;
  let name: HelloResult | undefined;
  let alpn: string[] = [];
  while (r.pos < end) {
    const type = r.u16();
    const len = r.u16();
    const ext = len === undefined ? undefined : r.take(len);
    if (type === undefined || !ext)
      return complete ? { status: 'not-tls', reason: 'malformed extensions' } : null;
    if (type === EXT_SERVER_NAME) {
      name = hostName(ext);
      if (name.status === 'not-tls') return name;
    } else if (type === EXT_ALPN) {
      const offered = protocols(ext);
      if (!offered) return { status: 'not-tls', reason: 'malformed ALPN' };
      alpn = offered;
    }
  }
  if (r.pos !== end || (complete && end !== body.length))
    return { status: 'not-tls', reason: 'malformed extensions' };
  return name?.status === 'sni' ? { ...name, alpn } : { status: 'no-sni', alpn };
}

/** The protocol names of an ALPN extension (RFC 7301 §3.1), or null when it is malformed. */
function protocols(ext: Uint8Array): string[] | null {
  const r = new Reader(ext);
  if (r.u16() !== ext.length - 2) return null;
  const out: string[] = [];
  while (r.left > 0) {
    const p = r.vector(1);
    if (!p || p.length === 0) return null;
    out.push(String.fromCharCode(...p));
  }
  return out;
}

function hostName(ext: Uint8Array): HelloResult {
  const r = new Reader(ext);
  const listLen = r.u16();
  if (listLen === undefined || listLen !== ext.length - 2)
    return { status: 'not-tls', reason: 'malformed server_name' };
  while (r.left > 0) {
    const type = r.u8();
    const name = r.vector(2);
    if (type === undefined || !name) return { status: 'not-tls', reason: 'malformed server_name' };
    if (type !== NAME_TYPE_HOST) continue;
    let text = '';
    for (const b of name) {
      if (b < 0x21 || b > 0x7e) return { status: 'not-tls', reason: 'server_name is not a host name' };
      text += String.fromCharCode(b);
    }
    text = text.toLowerCase().replace(/\.$/, '');
    if (text.length > 253 || !NAME.test(text))
      return { status: 'not-tls', reason: 'server_name is not a host name' };
    return { status: 'sni', name: text, alpn: [] };
  }
  return { status: 'no-sni', alpn: [] };
}

class Reader {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}
  get left(): number {
    return this.b.length - this.pos;
  }
  skip(n: number): boolean {
    if (this.left < n) return false;
    this.pos += n;
    return true;
  }
  u8(): number | undefined {
    return this.left >= 1 ? this.b[this.pos++] : undefined;
  }
  u16(): number | undefined {
    if (this.left < 2) return undefined;
    const v = (this.b[this.pos]! << 8) | this.b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }
  take(n: number): Uint8Array | undefined {
    if (this.left < n) return undefined;
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  vector(lenBytes: 1 | 2): Uint8Array | undefined {
    const n = lenBytes === 1 ? this.u8() : this.u16();
    return n === undefined ? undefined : this.take(n);
  }
  skipVector(lenBytes: 1 | 2): boolean {
    return this.vector(lenBytes) !== undefined;
  }
}
