// The stand-alone relay's HTTP face (`lifeline relay`): the PWA's files (phones open the app here),
// agent links and the client sessions it forwards. Built by a factory; only the entry point listens.
import type { FastifyInstance } from 'fastify';
import { MAX_LINK_FRAME_BYTES } from '../../shared/protocol/limits.js';
import { createHttpServer } from '../http/server.js';
import { metricsAccess } from '../metrics.js';
import type { Relay } from './relay.js';
import { relayRoutes, relaySessions } from './routes.js';

export interface RelayAppOptions {
  relay: Relay;
  clientDir?: string;
  tls?: { cert: string; key: string } | undefined;
  trustProxy: readonly string[];
  /** Who may read /metrics besides loopback. */
  metricsAllow?: readonly string[];
}

export async function buildRelayApp(opts: RelayAppOptions): Promise<FastifyInstance> {
  const app = createHttpServer({
    tls: opts.tls,
    trustProxy: opts.trustProxy,
    bodyLimit: 16 * 1024,
    maxPayload: MAX_LINK_FRAME_BYTES,
    route: relaySessions(opts.relay),
    metrics: { allowed: metricsAccess(opts.metricsAllow ?? []), sources: [opts.relay.metrics.registry] },
    clientDir: opts.clientDir,
  });
  app.register(relayRoutes, { relay: opts.relay });
  await app.ready();
  return app;
}
