// The agent's HTTP face: the PWA's files and the session endpoint. Built by a factory; only the
// entry point listens (STYLE convention 14).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Relay } from '../relay/relay.js';
import { wsTransport } from '../ws-transport.js';
import type { SessionHub } from './session-hub.js';

export const MAX_FRAME_BYTES = 256 * 1024;

/** The built PWA: dist/client at the package root, whether running from dist/ or from sources. */
export const CLIENT_DIR = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'client');
})();

export interface AgentAppOptions {
  hub: SessionHub;
  homeId: string;
  clientDir?: string;
  tls?: { cert: string; key: string } | undefined;
  /** The embedded relay (`lifeline start`): other agents link here, other homes' sessions are forwarded. */
  relay?: Relay | undefined;
  /** Proxies whose X-Forwarded-For is believed. */
  trustProxy?: readonly string[];
  metrics?: MetricsEndpoint;
}

export interface MetricsEndpoint {
  allowed(ip: string): boolean;
  text(): Promise<string>;
  contentType: string;
}

/** GET /metrics in Prometheus text format, to the allowed addresses only. */
export function registerMetrics(app: FastifyInstance, m: MetricsEndpoint): void {
  app.get('/metrics', async (req, reply) => {
    if (!m.allowed(req.ip))
      return reply.code(403).type('text/plain').send('metrics are not served to this address\n');
    return reply.type(m.contentType).send(await m.text());
  });
}

export async function buildAgentApp(opts: AgentAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    trustProxy: opts.trustProxy && opts.trustProxy.length > 0 ? [...opts.trustProxy] : false,
    ...(opts.tls ? { https: { cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) } } : {}),
  } as Record<string, unknown>) as unknown as FastifyInstance;

  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_FRAME_BYTES } });

  app.get('/healthz', async () => ({ ok: true }));
  if (opts.metrics) registerMetrics(app, opts.metrics);

  app.get('/ws/session', { websocket: true }, (socket, req) => {
    const home = (req.query as { home?: string }).home ?? '';
    if (opts.relay && home !== opts.homeId) opts.relay.acceptClient(wsTransport(socket), home, req.ip);
    else opts.hub.accept(wsTransport(socket), { path: 'direct', source: req.ip });
  });

  const relay = opts.relay;
  if (relay) app.get('/ws/agent', { websocket: true }, (socket, req) => relay.acceptAgent(socket, req.ip));

  const clientDir = opts.clientDir ?? CLIENT_DIR;
  if (existsSync(path.join(clientDir, 'index.html'))) {
    await app.register(fastifyStatic, {
      root: clientDir,
      index: ['index.html'],
      setHeaders(res, file) {
        const name = path.basename(file);
        if (file.includes(`${path.sep}assets${path.sep}`))
          res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        else if (name === 'index.html' || name === 'sw.js' || name.endsWith('.webmanifest'))
          res.setHeader('cache-control', 'no-cache');
        res.setHeader('x-content-type-options', 'nosniff');
        res.setHeader('referrer-policy', 'no-referrer');
      },
    });
  } else {
    app.get('/', async (_req, reply) =>
      reply.type('text/plain').send('The Lifeline app is not built. Run `npm run build`, then restart.\n'),
    );
  }
  return app;
}
