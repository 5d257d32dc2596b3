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
import type { OriginPolicy } from './origin-check.js';
import { pwaStatic } from './pwa-static.js';
import { securityHeaders } from './security-headers.js';
import { type SessionRoute, sessionRoute } from './session-route.js';

export interface HttpServerOptions {
  tls?: { cert: string; key: string } | undefined;
  /** Proxies whose X-Forwarded-For is believed. */
  trustProxy: readonly string[];
  bodyLimit: number;
  /** The largest WebSocket message accepted. */
  maxPayload: number;
  /** Where each client session goes, by the home it asks for; absent: no /ws/session here. */
  route: SessionRoute | undefined;
  metrics: MetricsRouteOptions;
  /** The built PWA's folder; false: this server serves no app code. */
  clientDir?: string | false | undefined;
  /** Who served the app, as the app reads it from /origin.json (Settings says so when a relay did). */
  servedBy: 'agent' | 'relay';
  /** Names this server is known by (for the WebSocket Origin check) and where the app may connect. */
  origins: OriginPolicy & { connect: readonly string[] };
  /** More for /healthz (the relay says whether its store answers); it stays 200 either way. */
  health?: () => Record<string, unknown>;
  /** How long a client may take to send one whole request (headers and body); tests shorten it. */
  requestTimeoutMs?: number;
}

/**
 * A request not fully received in this time is dropped, so connections that trickle headers or a
 * body (slowloris) cannot pile up on a server that faces the internet without a proxy in front.
 * A WebSocket is past this once upgraded; nothing Lifeline sends over HTTP takes near this long.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

export function createHttpServer(opts: HttpServerOptions): FastifyInstance {
  const requestTimeout = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const common = {
    logger: false,
    bodyLimit: opts.bodyLimit,
    trustProxy: opts.trustProxy.length > 0 ? [...opts.trustProxy] : false,
    requestTimeout,
  };
  // Given to node's server too: with its own headers timeout (60 s) above the request timeout,
  // node never ends a request whose body trickles in. And node looks for late requests every 30 s
  // by default: too seldom for the limit to mean anything.
  const checking = {
    requestTimeout,
    headersTimeout: requestTimeout,
    connectionsCheckingInterval: Math.min(5_000, Math.ceil(requestTimeout / 2)),
  };
  const app: FastifyInstance = opts.tls
    ? Fastify({
        ...common,
        https: { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key), ...checking },
      })
    : Fastify({ ...common, http: checking });
  // Registered first and not encapsulated: the routes of every plugin after it may be WebSockets.
  app.register(fastifyWebsocket, { options: { maxPayload: opts.maxPayload } });
  securityHeaders(app, { connect: opts.origins.connect });
  app.get('/healthz', async () => ({ ok: true, ...opts.health?.() }));
  app.register(metricsRoute, opts.metrics);
  if (opts.route) app.register(sessionRoute, { route: opts.route, origins: opts.origins });
  if (opts.clientDir !== false) {
    app.get('/origin.json', async (_req, reply) =>
      reply.header('cache-control', 'no-cache').send({ servedBy: opts.servedBy }),
    );
    app.register(pwaStatic, { root: opts.clientDir ?? CLIENT_DIR });
  }
  return app;
}
