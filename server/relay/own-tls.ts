// The relay's own name, served in this process. When the pass-through's `fallback` is the relay's
// own HTTPS listener, a connection for the relay's name is not forwarded over TCP to that port: every
// client would then arrive from 127.0.0.1, which /metrics admits and every per-source limit counts as
// one source. It gets TLS here, with the listener's certificate, and goes to the same HTTP routes
// as a connection of the listener's own would, with the client's address (the socket's, or the one
// a trusted load balancer's PROXY header gave) as its address: fastify's req.ip, trustProxy and
// metrics.allow then judge the client as they judge a direct one.
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import net from 'node:net';
import type { Server as TlsServer } from 'node:tls';
import { tls } from '../node-tls.js';
import type { OwnTls } from './passthrough.js';
import { fallbackOf } from './passthrough-port.js';

/** A peer that has not finished its handshake by then is dropped. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

export interface OwnListener {
  host: string;
  port: number;
  tls?: { cert: string; key: string } | undefined;
}

/**
 * The in-process fallback, when `fallback` (host:port) is the relay's own TLS listener (`listen`,
 * bound to `port`) and that listener's server is `server`; otherwise undefined (a TCP fallback).
 */
export function ownTlsFallback(
  fallback: string | undefined,
  listen: OwnListener,
  server: http.Server | TlsServer,
): OwnTls | undefined {
  const to = fallbackOf(fallback);
  if (!to || !listen.tls || !(server instanceof tls.Server) || to.port !== listen.port) return undefined;
  const anyHost = ['0.0.0.0', '::', ''].includes(listen.host);
  const loopback = to.host === 'localhost' || to.host === '::1' || to.host.startsWith('127.');
  if (to.host !== listen.host && !(anyHost && loopback)) return undefined;
  return ownTls(server, { cert: readFileSync(listen.tls.cert), key: readFileSync(listen.tls.key) });
}

/** Serves connections the pass-through hands over on `server`, an HTTPS server, as from their client. */
export function ownTls(server: TlsServer, pair: { cert: Buffer | string; key: Buffer | string }): OwnTls {
  const context = tls.createSecureContext(pair);
  return (socket, first, client) => {
    socket.on('error', () => socket.destroy());
    // The hello was read off the socket: put it back for the TLS socket to read first.
    socket.unshift(first);
    const secure = new tls.TLSSocket(socket, {
      isServer: true,
      secureContext: context,
      // What Node's HTTPS server (the listener's) answers; WebSocket upgrades need HTTP/1.1.
      ALPNProtocols: ['http/1.1'],
    });
    // What the routes read (req.ip, and the first hop X-Forwarded-For is checked against).
    Object.defineProperties(secure, {
      remoteAddress: { value: client.address },
      remotePort: { value: client.port },
      remoteFamily: { value: net.isIPv6(client.address) ? 'IPv6' : 'IPv4' },
    });
    const timer = setTimeout(() => secure.destroy(), HANDSHAKE_TIMEOUT_MS);
    timer.unref?.();
    secure.once('secure', () => {
      clearTimeout(timer);
      server.emit('secureConnection', secure);
    });
    secure.on('error', () => secure.destroy());
    secure.once('close', () => {
      clearTimeout(timer);
      socket.destroy();
    });
  };
}
