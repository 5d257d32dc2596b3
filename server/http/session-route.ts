// /ws/session: a client's session to a home, handed to whoever the composition root says serves
// that home (the agent's session hub, or the relay that forwards it to the home's agent). A page of
// a foreign origin is refused before the upgrade (origin-check.ts).
import type { FastifyPluginAsync } from 'fastify';
import type { MessageTransport } from '../../shared/session/transport.js';
import { wsTransport } from '../ws-transport.js';
import { connectionOrigin } from './connection-origin.js';
import { type OriginPolicy, originAllowed } from './origin-check.js';

/**
 * Takes a client session for `homeId` (from ?home=, '' when absent) that came from `source` (an
 * address); `path` is 'relay' when the connection is a phone's TLS the relay passed through.
 */
export type SessionRoute = (
  homeId: string,
  transport: MessageTransport,
  source: string,
  path?: 'direct' | 'relay',
) => void;

export interface SessionRouteOptions {
  route: SessionRoute;
  origins: OriginPolicy;
}

export const sessionRoute: FastifyPluginAsync<SessionRouteOptions> = async (app, opts) => {
  app.get(
    '/ws/session',
    {
      websocket: true,
      preValidation: async (req, reply) => {
        if (!originAllowed(req.headers.origin, req.headers.host, opts.origins))
          await reply.code(403).type('text/plain').send('this page may not open sessions here\n');
      },
    },
    (socket, req) => {
      const home = (req.query as { home?: unknown }).home;
      const from = connectionOrigin(req.raw.socket);
      opts.route(
        typeof home === 'string' ? home : '',
        wsTransport(socket),
        from?.source ?? req.ip,
        from?.path ?? 'direct',
      );
    },
  );
};
