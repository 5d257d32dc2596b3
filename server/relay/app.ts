// The stand-alone relay's HTTP face: the PWA's files (phones open the app here), agent links and
// client sessions. Built by a factory; only the entry point listens.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { CLIENT_DIR, MAX_FRAME_BYTES, registerMetrics } from '../agent/app.js';
import { metricsAccess } from '../metrics.js';
import { wsTransport } from '../ws-transport.js';
import type { Relay } from './relay.js';

export interface RelayAppOptions {
  relay: Relay;
  clientDir?: string;
  tls?: { cert: string; key: string } | undefined;
  trustProxy: readonly string[];
  /** Who may read /metrics besides loopback. */
  metricsAllow?: readonly string[];
}

export async function buildRelayApp(opts: RelayAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 16 * 1024,
    trustProxy: opts.trustProxy.length > 0 ? [...opts.trustProxy] : false,
    ...(opts.tls ? { https: { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) } } : {}),
  } as Record<string, unknown>) as unknown as FastifyInstance;
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_FRAME_BYTES + 16 } });
  app.get('/healthz', async () => ({ ok: true }));
  registerMetrics(app, {
    allowed: metricsAccess(opts.metricsAllow ?? []),
    text: () => opts.relay.metrics.registry.metrics(),
    contentType: opts.relay.metrics.registry.contentType,
  });
  app.get('/ws/agent', { websocket: true }, (socket, req) => opts.relay.acceptAgent(socket, req.ip));
  app.get('/ws/session', { websocket: true }, (socket, req) => {
    opts.relay.acceptClient(wsTransport(socket), (req.query as { home?: string }).home ?? '', req.ip);
  });
  const clientDir = opts.clientDir ?? CLIENT_DIR;
  if (existsSync(path.join(clientDir, 'index.html')))
    await app.register(fastifyStatic, {
      root: clientDir,
      setHeaders(res, file) {
        if (file.includes(`${path.sep}assets${path.sep}`))
          res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        else res.setHeader('cache-control', 'no-cache');
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('referrer-policy', 'no-referrer');
      },
    });
  return app;
}
