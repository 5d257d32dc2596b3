// The relay's TLS pass-through listener (the port phones reach the homes' names on, usually 443).
// It reads a connection's ClientHello only as far as the server name, then hands the connection —
// every byte, the hello included, unchanged — to the link of the home that serves that name. The
// relay holds no certificate for those names and so can neither read nor alter what passes: TLS
// ends at the agent. A name no home serves goes to `fallback` (the relay's own HTTPS, e.g. Caddy
// on another port) if configured, else gets a TLS `unrecognized_name` alert. So does an agent's
// link offering ALPN `lifeline-link` whatever its name: behind a load balancer an agent dials with
// its home's name as SNI (to land where its phones do), and that link is for the relay, never for
// the home's pipe.
import net from 'node:net';
import { LINK_ALPN } from '../../shared/protocol/relay-link.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { RateLimiter } from '../rate-limit.js';
import { MAX_HELLO_BYTES, readClientHello } from './client-hello.js';
import type { PassthroughTimings } from './passthrough-stream.js';

/** What the listener needs of the relay: which home's link serves a name. */
export interface PassthroughRouter {
  /** Hands the connection over, or says why not (no home has that name, home offline, full). */
  pipe(name: string, socket: net.Socket, first: Buffer, source: string): { refused: string } | null;
}

export interface PassthroughLimits {
  /** Connections a source may open per minute. */
  connectsPerMinute: number;
  /** Connections a source may have that have not yet sent their hello. */
  pendingPerSource: number;
  /** Connections in that state, all sources together. */
  pendingTotal: number;
  /** Time a connection has to send its hello. */
  helloTimeoutMs: number;
}

export const DEFAULT_PASSTHROUGH_LIMITS: PassthroughLimits = {
  // A page load opens several connections; phones behind one carrier NAT share an address.
  connectsPerMinute: 600,
  pendingPerSource: 32,
  pendingTotal: 2048,
  helloTimeoutMs: 10_000,
};

export interface PassthroughOptions {
  router: PassthroughRouter;
  limits?: Partial<PassthroughLimits>;
  /** host:port of the relay's own TLS (its own name): connections for any other name go there. */
  fallback?: { host: string; port: number } | undefined;
  /**
   * Open each fallback connection with a PROXY protocol v1 line, so the relay's own TLS server
   * (Caddy) sees the client's address instead of the relay's, and its X-Forwarded-For is true.
   */
  proxyProtocol?: boolean | undefined;
  clock: Clock;
  log: Logger;
  timings?: PassthroughTimings;
  /** Called with each connection's outcome, for the metrics. */
  outcome?(what: 'piped' | 'fallback' | 'refused' | 'not-tls' | 'timeout' | 'limited'): void;
}

// TLS alert record: fatal (2), unrecognized_name (112) — what a server says for a name it lacks.
const UNRECOGNIZED_NAME = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x70]);

export function createPassthrough(opts: PassthroughOptions): net.Server {
  const limits = { ...DEFAULT_PASSTHROUGH_LIMITS, ...opts.limits };
  const rate = new RateLimiter(limits.connectsPerMinute, 60_000, opts.clock);
  const pending = new Map<string, number>();
  let pendingTotal = 0;
  const outcome = opts.outcome ?? (() => {});

  const server = net.createServer({ pauseOnConnect: false, noDelay: true }, (socket) => {
    const source = socket.remoteAddress ?? 'unknown';
    const key = sourceKey(source);
    socket.on('error', () => socket.destroy());
    if (
      !rate.take(key) ||
      (pending.get(key) ?? 0) >= limits.pendingPerSource ||
      pendingTotal >= limits.pendingTotal
    ) {
      outcome('limited');
      socket.destroy();
      return;
    }
    pending.set(key, (pending.get(key) ?? 0) + 1);
    pendingTotal++;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('close', settle);
      const n = (pending.get(key) ?? 1) - 1;
      if (n <= 0) pending.delete(key);
      else pending.set(key, n);
      pendingTotal--;
    };
    const timer = setTimeout(() => {
      settle();
      outcome('timeout');
      socket.destroy();
    }, limits.helloTimeoutMs);
    timer.unref?.();
    let buffered: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      const hello = readClientHello(buffered);
      if (hello.status === 'more' && buffered.length <= MAX_HELLO_BYTES + 1024) return;
      settle();
      socket.pause();
      if (hello.status === 'sni' && !hello.alpn.includes(LINK_ALPN)) {
        const refused = opts.router.pipe(hello.name, socket, buffered, source);
        if (!refused) return outcome('piped');
        if (opts.fallback) return toFallback(socket, buffered, opts, outcome);
        opts.log.info(`TLS for ${hello.name} from ${source} refused: ${refused.refused}`);
        outcome('refused');
        socket.end(UNRECOGNIZED_NAME);
        return;
      }
      if (hello.status === 'not-tls' || hello.status === 'more') {
        outcome('not-tls');
        return socket.destroy();
      }
      if (opts.fallback) return toFallback(socket, buffered, opts, outcome);
      outcome('refused');
      socket.end(UNRECOGNIZED_NAME);
    };
    socket.on('data', onData);
    socket.on('close', settle);
  });
  server.on('error', (err) => opts.log.error(`pass-through listener: ${err.message}`));
  return server;
}

/** The relay's own name: raw bytes to the relay's own TLS server, both ways. */
function toFallback(
  socket: net.Socket,
  first: Buffer,
  opts: PassthroughOptions,
  outcome: NonNullable<PassthroughOptions['outcome']>,
): void {
  outcome('fallback');
  const to = opts.fallback as { host: string; port: number };
  const up = net.connect(to.port, to.host);
  if (opts.proxyProtocol) up.write(proxyLine(socket));
  const drop = () => {
    socket.destroy();
    up.destroy();
  };
  up.on('error', drop);
  socket.on('error', drop);
  up.on('close', drop);
  socket.on('close', drop);
  up.write(first);
  socket.pipe(up);
  up.pipe(socket);
  socket.resume();
}

/** A PROXY protocol v1 header (haproxy.org/download/2.9/doc/proxy-protocol.txt) for `socket`. */
export function proxyLine(socket: net.Socket): string {
  const plain = (a: string | undefined) => (a?.startsWith('::ffff:') ? a.slice(7) : a);
  const src = plain(socket.remoteAddress);
  const dst = plain(socket.localAddress);
  const family = net.isIPv4(src ?? '') ? 4 : net.isIPv6(src ?? '') ? 6 : 0;
  if (!src || !dst || family === 0 || net.isIP(dst) !== family) return 'PROXY UNKNOWN\r\n';
  return `PROXY TCP${family} ${src} ${dst} ${socket.remotePort} ${socket.localPort}\r\n`;
}

/** Limits count per address, and per /64 for IPv6 (one subscriber usually holds a whole /64). */
export function sourceKey(address: string): string {
  const a = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (!a.includes(':')) return a;
  const groups = expandIpv6(a);
  return groups ? `${groups.slice(0, 4).join(':')}::/64` : a;
}

function expandIpv6(a: string): string[] | null {
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  if (tail === undefined && h.length !== 8) return null;
  const fill = 8 - h.length - t.length;
  if (fill < 0) return null;
  return [...h, ...Array(tail === undefined ? 0 : fill).fill('0'), ...t].map((g) =>
    g.toLowerCase().replace(/^0+(?=.)/, ''),
  );
}
