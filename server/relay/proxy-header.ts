// The PROXY protocol header a load balancer in TCP mode (HAProxy `send-proxy-v2` or `send-proxy`)
// puts before a client's bytes, saying who the client is (haproxy.org/download/2.6/doc/
// proxy-protocol.txt, v1 text and v2 binary). The pass-through reads it only from the sources its
// settings trust (`passthrough.proxyFrom`); from anyone else it is just bytes that are not TLS. It
// reads nothing past the header: what follows is the client's ClientHello.
import net from 'node:net';

/** An endpoint of a connection: the client, or where it connected to. */
export interface Endpoint {
  address: string;
  port: number;
}

export type ProxyHeader =
  | { status: 'more' }
  | {
      status: 'ok';
      /** Bytes the header took. */
      length: number;
      /** The client and where it connected to; absent: the proxy's own connection (health check, LOCAL, UNKNOWN). */
      client?: Endpoint;
      local?: Endpoint;
    }
  | { status: 'bad'; reason: string };

const V2_SIGNATURE = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
const V1_PREFIX = Buffer.from('PROXY ');
/** "PROXY TCP6 " + two full IPv6 addresses + two ports + CRLF: the spec's bound for a v1 line. */
const V1_MAX = 107;
/** v2 address blocks plus TLVs. HAProxy's own TLVs (ALPN, authority, unique id) fit many times over. */
const V2_MAX_BODY = 4096;

/** Reads a PROXY header from the start of `data` (every byte received so far). */
export function readProxyHeader(data: Buffer): ProxyHeader {
  const n = Math.min(data.length, V2_SIGNATURE.length);
  if (data.subarray(0, n).equals(V2_SIGNATURE.subarray(0, n)))
    return data.length < V2_SIGNATURE.length ? { status: 'more' } : readV2(data);
  const m = Math.min(data.length, V1_PREFIX.length);
  if (m > 0 && data.subarray(0, m).equals(V1_PREFIX.subarray(0, m))) return readV1(data);
  return { status: 'bad', reason: 'no PROXY protocol header' };
}

function readV1(data: Buffer): ProxyHeader {
  const end = data.subarray(0, V1_MAX).indexOf('\r\n');
  if (end < 0)
    return data.length >= V1_MAX ? { status: 'bad', reason: 'PROXY line too long' } : { status: 'more' };
  const length = end + 2;
  const parts = data.subarray(0, end).toString('latin1').split(' ');
  if (parts[1] === 'UNKNOWN') return { status: 'ok', length };
  const [, proto, src, dst, sport, dport] = parts;
  const family = proto === 'TCP4' ? 4 : proto === 'TCP6' ? 6 : 0;
  const client = endpoint(src, sport, family);
  const local = endpoint(dst, dport, family);
  if (parts.length !== 6 || family === 0 || !client || !local)
    return { status: 'bad', reason: 'malformed PROXY line' };
  return { status: 'ok', length, client, local };
}

function endpoint(address: string | undefined, port: string | undefined, family: number): Endpoint | null {
  if (!address || net.isIP(address) !== family || !port || !/^(0|[1-9]\d{0,4})$/.test(port)) return null;
  const p = Number(port);
  return p <= 65535 ? { address, port: p } : null;
}

function readV2(data: Buffer): ProxyHeader {
  if (data.length < 16) return { status: 'more' };
  const versionCommand = data[12]!;
  if (versionCommand >> 4 !== 2) return { status: 'bad', reason: 'PROXY header version is not 2' };
  const command = versionCommand & 0x0f;
  if (command > 1) return { status: 'bad', reason: 'unknown PROXY command' };
  const bodyLength = data.readUInt16BE(14);
  if (bodyLength > V2_MAX_BODY) return { status: 'bad', reason: 'PROXY header too long' };
  const length = 16 + bodyLength;
  if (data.length < length) return { status: 'more' };
  // LOCAL: the proxy's own connection (its health checks); the socket's addresses stand.
  if (command === 0) return { status: 'ok', length };
  const body = data.subarray(16, length);
  switch (data[13]) {
    // UNSPEC: the proxy does not know; the socket's addresses stand.
    case 0x00:
      return { status: 'ok', length };
    case 0x11:
      if (body.length < 12) return { status: 'bad', reason: 'PROXY header shorter than its addresses' };
      return {
        status: 'ok',
        length,
        client: { address: ipv4(body.subarray(0, 4)), port: body.readUInt16BE(8) },
        local: { address: ipv4(body.subarray(4, 8)), port: body.readUInt16BE(10) },
      };
    case 0x21:
      if (body.length < 36) return { status: 'bad', reason: 'PROXY header shorter than its addresses' };
      return {
        status: 'ok',
        length,
        client: { address: ipv6(body.subarray(0, 16)), port: body.readUInt16BE(32) },
        local: { address: ipv6(body.subarray(16, 32)), port: body.readUInt16BE(34) },
      };
    default:
      // UDP or UNIX sockets: never what a TLS client came over.
      return { status: 'bad', reason: 'PROXY header for a transport other than TCP' };
  }
}

const ipv4 = (b: Buffer) => [...b].join('.');

function ipv6(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  // Normalised the way Node writes socket addresses (::ffff:1.2.3.4 stays recognisable to sourceKey).
  return new net.SocketAddress({ address: groups.join(':'), family: 'ipv6' }).address;
}

/** A PROXY protocol v1 line saying `client` connected to `local` (for a fallback that reads one). */
export function proxyLine(client: Endpoint, local: Endpoint): string {
  const plain = (a: string) => (a.startsWith('::ffff:') && net.isIPv4(a.slice(7)) ? a.slice(7) : a);
  const src = plain(client.address);
  const dst = plain(local.address);
  const family = net.isIP(src);
  if (family === 0 || net.isIP(dst) !== family) return 'PROXY UNKNOWN\r\n';
  return `PROXY TCP${family} ${src} ${dst} ${client.port} ${local.port}\r\n`;
}
