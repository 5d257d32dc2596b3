// GET /metrics in Prometheus text format, to the allowed addresses only.
import type { FastifyPluginAsync } from 'fastify';

export interface MetricsSource {
  metrics(): Promise<string>;
  readonly contentType: string;
}

export interface MetricsRouteOptions {
  allowed(ip: string): boolean;
  /** Served one after the other (`lifeline start`: the agent's, then the embedded relay's). */
  sources: readonly [MetricsSource, ...MetricsSource[]];
}

export const metricsRoute: FastifyPluginAsync<MetricsRouteOptions> = async (app, opts) => {
  app.get('/metrics', async (req, reply) => {
    if (!opts.allowed(req.ip))
      return reply.code(403).type('text/plain').send('metrics are not served to this address\n');
    const texts = await Promise.all(opts.sources.map((s) => s.metrics()));
    return reply.type(opts.sources[0].contentType).send(texts.join(''));
  });
};
