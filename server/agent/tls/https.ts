// The agent's HTTPS side for its one origin: TLS ends here, with the agent's own certificate, for
// phones on the LAN (a TCP listener) and for phones away (their TLS, passed through by the relay
// as streams of the link). Both reach the agent's own routes (the PWA, /ws/session). A capability
// that holds a certificate offers this side (`HttpsProvider`); the agent core attaches it to its
// HTTP server and hands the relay link its sink. Light on purpose: the agent core imports it.
import type http from 'node:http';
import net from 'node:net';
import {
  type CertificateSource,
  createTlsTerminator,
  type TlsTerminator,
} from '../../http/tls-terminator.js';
import type { Logger } from '../../log.js';
import type { Capability } from '../capability.js';
import type { TlsStreamSink } from '../relay-link/passthrough-streams.js';

export interface HttpsListen {
  host: string;
  /** 0: any free port (tests). */
  port: number;
}

export interface HttpsSide {
  /** The DNS name of the certificate (what the relay routes here by SNI). */
  readonly name: string;
  /** Takes a phone's TLS stream that the relay passed through. */
  readonly sink: TlsStreamSink;
  readonly terminator: TlsTerminator;
  /** Opens the LAN listener; resolves with the origin phones use (`https://name[:port]`). */
  listen(): Promise<string>;
  /** The LAN listener's state, for the screens and `lifeline check`. */
  readonly listening: { up: boolean; port?: number; error?: string };
  close(): Promise<void>;
}

/** A capability that can serve HTTPS for the agent's one origin. */
export interface HttpsProvider extends Capability {
  https(server: http.Server): HttpsSide;
}

export const isHttpsProvider = (c: Capability): c is HttpsProvider =>
  typeof (c as Partial<HttpsProvider>).https === 'function';

export interface HttpsSideOptions {
  name: string;
  source: CertificateSource;
  server: http.Server;
  /** The LAN listener; absent: only passed-through connections are served. */
  listen?: HttpsListen | undefined;
  log: Logger;
}

export function createHttpsSide(opts: HttpsSideOptions): HttpsSide {
  const terminator = createTlsTerminator({
    source: opts.source,
    server: opts.server,
    onError: (err, origin) => opts.log.debug(`TLS handshake from ${origin.source} failed: ${err.message}`),
  });
  let server: net.Server | undefined;
  const listening: HttpsSide['listening'] = { up: false };
  const originFor = (port: number) => `https://${opts.name}${port === 443 ? '' : `:${port}`}`;
  return {
    name: opts.name,
    terminator,
    listening,
    sink: (stream, info) => terminator.accept(stream, { path: 'relay', source: `relay:${info.source}` }),
    async listen() {
      const at = opts.listen;
      if (!at) return originFor(443);
      const s = net.createServer({ noDelay: true }, (socket) => {
        socket.on('error', () => socket.destroy());
        terminator.accept(socket, { path: 'direct', source: socket.remoteAddress ?? 'unknown' });
      });
      server = s;
      try {
        await new Promise<void>((resolve, reject) => {
          s.once('error', reject);
          s.listen(at.port, at.host, () => resolve());
        });
      } catch (err) {
        listening.up = false;
        listening.error = (err as Error).message;
        opts.log.error(`cannot serve HTTPS on ${at.host}:${at.port}: ${listening.error}`);
        return originFor(at.port);
      }
      s.on('error', (err) => opts.log.error(`HTTPS listener: ${err.message}`));
      const port = (s.address() as net.AddressInfo).port;
      listening.up = true;
      listening.port = port;
      delete listening.error;
      return originFor(port);
    },
    async close() {
      terminator.close();
      if (server?.listening) await new Promise<void>((resolve) => server?.close(() => resolve()));
      listening.up = false;
    },
  };
}
