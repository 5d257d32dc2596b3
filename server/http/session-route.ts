// /ws/session: a client's session to a home, handed to whoever the composition root says serves
// that home (the agent's session hub, or the relay that forwards it to the home's agent).
import type { FastifyPluginAsync } from 'fastify';
import type { MessageTransport } from '../../shared/session/transport.js';
import { wsTransport } from '../ws-transport.js';

/** Takes a client session for `homeId` (from ?home=, '' when absent) that came from `source` (an address). */
export type SessionRoute = (homeId: string, transport: MessageTransport, source: string) => void;

export interface SessionRouteOptions {
  route: SessionRoute;
}

export const sessionRoute: FastifyPluginAsync<SessionRouteOptions> = async (app, opts) => {
  app.get('/ws/session', { websocket: true }, (socket, req) => {
    const home = (req.query as { home?: unknown }).home;
    opts.route(typeof home === 'string' ? home : '', wsTransport(socket), req.ip);
  });
};
