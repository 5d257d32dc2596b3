// Ends TLS for the agent's one origin, wherever the bytes come from: a LAN phone's TCP socket, or
// a phone's connection the relay passes through as a stream of the link. Each raw stream is wrapped
// in a TLS socket with the current certificate and handed to the (plain) HTTP server as a
// connection, so both paths reach the same routes. A renewed certificate applies to the next
// handshake: no restart, open connections keep theirs.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { SecureContext, TLSSocket } from 'node:tls';
import { tls } from '../node-tls.js';
import { type ConnectionOrigin, markConnection } from './connection-origin.js';

export interface CertificatePair {
  cert: string;
  key: string;
}

/** What the HTTPS side needs of the certificate keeper. */
export interface CertificateSource {
  /** The certificate to serve now, or undefined before the first one is obtained. */
  current(): CertificatePair | undefined;
  /** Called with each new pair once it is stored; returns the unsubscribe function. */
  onChange(listener: (pair: CertificatePair) => void): () => void;
}

export interface TlsTerminatorOptions {
  source: CertificateSource;
  /** The HTTP server whose routes serve the decrypted connections (never listens itself). */
  server: http.Server;
  /** A peer that has not finished its handshake by then is dropped. */
  handshakeTimeoutMs?: number;
  onError?(err: Error, origin: ConnectionOrigin): void;
}

export interface TlsTerminator {
  /** Ends TLS on `raw` (a TCP socket or a link stream) and serves what is inside. */
  accept(raw: Duplex, origin: ConnectionOrigin): void;
  /** Whether a certificate is there to serve. */
  readonly ready: boolean;
  /** Handshakes completed and failed since start. */
  readonly counts: { handshakes: number; failures: number };
  close(): void;
}

export function createTlsTerminator(opts: TlsTerminatorOptions): TlsTerminator {
  let context: SecureContext | undefined;
  const load = (pair: CertificatePair | undefined) => {
    if (pair) context = tls.createSecureContext({ cert: pair.cert, key: pair.key });
  };
  load(opts.source.current());
  const unsubscribe = opts.source.onChange(load);
  const counts = { handshakes: 0, failures: 0 };
  const live = new Set<TLSSocket>();

  return {
    get ready() {
      return context !== undefined;
    },
    counts,
    accept(raw, origin) {
      raw.on('error', () => raw.destroy());
      if (!context) {
        raw.destroy();
        return;
      }
      const socket = new tls.TLSSocket(raw, {
        isServer: true,
        secureContext: context,
        // WebSocket upgrades need HTTP/1.1; it is also all the app speaks.
        ALPNProtocols: ['http/1.1'],
      });
      markConnection(socket, origin);
      live.add(socket);
      const timer = setTimeout(() => socket.destroy(), opts.handshakeTimeoutMs ?? 10_000);
      timer.unref?.();
      let secure = false;
      socket.once('secure', () => {
        secure = true;
        clearTimeout(timer);
        counts.handshakes++;
        // An HTTPS server (listen.tls set too) takes decrypted sockets as 'secureConnection'.
        opts.server.emit(opts.server instanceof tls.Server ? 'secureConnection' : 'connection', socket);
      });
      socket.on('error', (err: Error) => {
        clearTimeout(timer);
        if (!secure) {
          counts.failures++;
          opts.onError?.(err, origin);
        }
        socket.destroy();
      });
      socket.once('close', () => {
        clearTimeout(timer);
        live.delete(socket);
        raw.destroy();
      });
    },
    close() {
      unsubscribe();
      for (const s of live) s.destroy();
      live.clear();
    },
  };
}
