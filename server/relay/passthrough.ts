// The relay's TLS pass-through listener (the port phones reach the homes' names on, usually 443).
// It reads a connection's ClientHello only as far as the server name, then hands the connection —
// every byte, the hello included, unchanged — to the link of the home that serves that name. The
// relay holds no certificate for those names and so can neither read nor alter what passes: TLS
// ends at the agent. A name no home serves goes to `fallback` (the relay's own HTTPS, e.g. Caddy
// on another port, or the relay's own HTTPS in this process) if configured, else gets a TLS
// `unrecognized_name` alert. So does an agent's link offering ALPN `lifeline-link` whatever its
// name: behind a load balancer an agent dials with its home's name as SNI (to land where its phones
// do), and that link is for the relay, never for the home's pipe. Behind a load balancer
// (`proxyFrom`), each connection starts with a PROXY protocol header naming the client: that
// address, not the balancer's, is its source for the limits here, for the home it is piped to,
// and for the relay's own HTTPS.
import net from 'node:net';
import { LINK_ALPN } from '../../shared/protocol/relay-link.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { RateLimiter } from '../rate-limit.js';
import { sourceKey } from '../source-key.js';
import { MAX_HELLO_BYTES, readClientHello } from './client-hello.js';
import type { PassthroughTimings } from './passthrough-stream.js';
import { type Endpoint, proxyLine, readProxyHeader } from './proxy-header.js';

/** What the listener needs of the relay: which home's link serves a name. */
export interface PassthroughRouter {
  /** Hands the connection over, or says why not (no home has that name, home offline, full). */
  pipe(name: string, socket: net.Socket, first: Buffer, source: string): { refused: string } | null;
}

export type PassthroughOutcome =
  | 'piped'
  | 'fallback'
  | 'refused'
  | 'not-tls'
  | 'bad-proxy-header'
  | 'timeout'
  | 'limited';

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

/**
 * The relay's own HTTPS, served in this process: takes a connection whose hello was read (`first`),
 * with the client it came from.
 */
export type OwnTls = (socket: net.Socket, first: Buffer, client: Endpoint) => void;

export interface PassthroughOptions {
  router: PassthroughRouter;
  limits?: Partial<PassthroughLimits>;
  /**
   * The relay's own TLS (its own name): host:port of its server, or that server in this process.
   * Connections for any other name no home takes go there.
   */
  fallback?: { host: string; port: number } | OwnTls | undefined;
  /**
   * Open each fallback connection with a PROXY protocol v1 line, so the relay's own TLS server
   * (Caddy) sees the client's address instead of the relay's, and its X-Forwarded-For is true.
   */
  proxyProtocol?: boolean | undefined;
  /**
   * Peers whose connections begin with a PROXY protocol header (the load balancer in front): the
   * client it names is the connection's source. From other peers a header is not TLS.
   */
  proxyFrom?: ((address: string) => boolean) | undefined;
  clock: Clock;
  log: Logger;
  timings?: PassthroughTimings;
  /** Called with each connection's outcome, for the metrics. */
  outcome?(what: PassthroughOutcome): void;
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
    socket.on('error', () => socket.destroy());
    const peer: Endpoint = { address: socket.remoteAddress ?? 'unknown', port: socket.remotePort ?? 0 };
    let local: Endpoint = { address: socket.localAddress ?? 'unknown', port: socket.localPort ?? 0 };
    // Behind a trusted balancer the client is known once its header is read; until then the
    // connection counts in the total only.
    let client: Endpoint | undefined = opts.proxyFrom?.(peer.address) ? undefined : peer;
    let key: string | undefined;
    const enter = (address: string): boolean => {
      const k = sourceKey(address);
      if (!rate.take(k) || (pending.get(k) ?? 0) >= limits.pendingPerSource) return false;
      pending.set(k, (pending.get(k) ?? 0) + 1);
      key = k;
      return true;
    };
    if (pendingTotal >= limits.pendingTotal || (client && !enter(client.address))) {
      outcome('limited');
      socket.destroy();
      return;
    }
    pendingTotal++;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.removeListener('data', onData);
      socket.removeListener('close', settle);
      if (key !== undefined) {
        const n = (pending.get(key) ?? 1) - 1;
        if (n <= 0) pending.delete(key);
        else pending.set(key, n);
      }
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
      if (!client) {
        const header = readProxyHeader(buffered);
        if (header.status === 'more') return;
        if (header.status === 'bad') {
          settle();
          opts.log.info(`PROXY header from ${peer.address} refused: ${header.reason}`);
          outcome('bad-proxy-header');
          socket.destroy();
          return;
        }
        client = header.client ?? peer;
        local = header.local ?? local;
        buffered = buffered.subarray(header.length);
        if (!enter(client.address)) {
          settle();
          outcome('limited');
          socket.destroy();
          return;
        }
        if (buffered.length === 0) return;
      }
      const source = client.address;
      const from = { client, local };
      const hello = readClientHello(buffered);
      if (hello.status === 'more' && buffered.length <= MAX_HELLO_BYTES + 1024) return;
      settle();
      socket.pause();
      if (hello.status === 'sni' && !hello.alpn.includes(LINK_ALPN)) {
        const refused = opts.router.pipe(hello.name, socket, buffered, source);
        if (!refused) return outcome('piped');
        if (opts.fallback) return toFallback(socket, buffered, from, opts, outcome);
        opts.log.info(`TLS for ${hello.name} from ${source} refused: ${refused.refused}`);
        outcome('refused');
        socket.end(UNRECOGNIZED_NAME);
        return;
      }
      if (hello.status === 'not-tls' || hello.status === 'more') {
        outcome('not-tls');
        return socket.destroy();
      }
      if (opts.fallback) return toFallback(socket, buffered, from, opts, outcome);
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
  from: { client: Endpoint; local: Endpoint },
  opts: PassthroughOptions,
  outcome: NonNullable<PassthroughOptions['outcome']>,
): void {
  outcome('fallback');
  const to = opts.fallback;
  if (!to) return;
  if (typeof to === 'function') {
    to(socket, first, from.client);
    return;
  }
  const up = net.connect(to.port, to.host);
  if (opts.proxyProtocol) up.write(proxyLine(from.client, from.local));
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
