// The HTTP server of a Lifeline process: the agent's, the relay's, or both on one port (`lifeline
// start`). It brings what every one of them serves (WebSocket upgrades, /healthz, /metrics,
// /ws/session, the PWA); the composition roots (server/agent/http.ts, server/relay/app.ts,
// server/compose.ts) choose where sessions go and register their own routes before it is ready.
// Built by a factory; only the entry point listens.
import { readFileSync } from 'node:fs';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { CLIENT_DIR } from './client-dir.js';
import { type MetricsRouteOptions, metricsRoute } from './metrics-route.js';
import { pwaStatic } from './pwa-static.js';
import { type SessionRoute, sessionRoute } from './session-route.js';

export interface HttpServerOptions {
  tls?: { cert: string; key: string } | undefined;
  /** Proxies whose X-Forwarded-For is believed. */
  trustProxy: readonly string[];
  bodyLimit: number;
  /** The largest WebSocket message accepted. */
  maxPayload: number;
  /** Where each client session goes, by the home it asks for. */
  route: SessionRoute;
  metrics: MetricsRouteOptions;
  clientDir?: string | undefined;
}

export function createHttpServer(opts: HttpServerOptions): FastifyInstance {
  const common = {
    logger: false,
    bodyLimit: opts.bodyLimit,
    trustProxy: opts.trustProxy.length > 0 ? [...opts.trustProxy] : false,
  };
  const app: FastifyInstance = opts.tls
    ? Fastify({ ...common, https: { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) } })
    : Fastify(common);
  // Registered first and not encapsulated: the routes of every plugin after it may be WebSockets.
  app.register(fastifyWebsocket, { options: { maxPayload: opts.maxPayload } });
  app.get('/healthz', async () => ({ ok: true }));
  app.register(metricsRoute, opts.metrics);
  app.register(sessionRoute, { route: opts.route });
  app.register(pwaStatic, { root: opts.clientDir ?? CLIENT_DIR });
  return app;
}
