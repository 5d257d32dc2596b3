// The stand-alone relay's HTTP face (`lifeline relay`): agent links, the client sessions it
// forwards, health and /metrics — and the PWA's files only when relay.yaml opts in (`app.serve`),
// since whoever runs the relay could otherwise change the code phones run. Built by a factory;
// only the entry point listens.
import type { FastifyInstance } from 'fastify';
import { MAX_LINK_FRAME_BYTES } from '../../shared/protocol/limits.js';
import { namesOf } from '../http/origin-check.js';
import { connectSources } from '../http/security-headers.js';
import { createHttpServer } from '../http/server.js';
import { metricsAccess } from '../metrics.js';
import type { Relay } from './relay.js';
import { relayRoutes, relaySessions } from './routes.js';

export interface RelayAppOptions {
  relay: Relay;
  /** Serve the app's files (the owner trusts this relay's operator with its code). Default: no. */
  serveApp?: boolean;
  clientDir?: string;
  tls?: { cert: string; key: string } | undefined;
  trustProxy: readonly string[];
  /** Who may read /metrics besides loopback. */
  metricsAllow?: readonly string[];
  /** The relay's public URL (its own name), for the WebSocket Origin check of the app it serves. */
  publicUrl?: string | undefined;
  /** The other relay of the same homes (relay.yaml otherRelays): its app's pages may open sessions here, and this app may reach it. */
  otherRelays?: readonly string[];
}

export async function buildRelayApp(opts: RelayAppOptions): Promise<FastifyInstance> {
  const app = createHttpServer({
    tls: opts.tls,
    trustProxy: opts.trustProxy,
    bodyLimit: 16 * 1024,
    maxPayload: MAX_LINK_FRAME_BYTES,
    route: relaySessions(opts.relay),
    metrics: { allowed: metricsAccess(opts.metricsAllow ?? []), sources: [opts.relay.metrics.registry] },
    clientDir: opts.serveApp ? opts.clientDir : false,
    servedBy: 'relay',
    origins: {
      names: namesOf([opts.publicUrl]),
      pages: (opts.otherRelays ?? []).map((u) => new URL(u).origin),
      connect: connectSources(opts.otherRelays ?? []),
    },
    health: () => opts.relay.health(),
  });
  app.register(relayRoutes, { relay: opts.relay });
  await app.ready();
  return app;
}
