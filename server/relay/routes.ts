// The relay's own routes: agents link in at /ws/agent; client sessions for the homes it serves
// arrive through the session route with `relaySessions` as (part of) its route.
import type { FastifyPluginAsync } from 'fastify';
import type { SessionRoute } from '../http/session-route.js';
import type { Relay } from './relay.js';

export interface RelayRoutesOptions {
  relay: Relay;
}

export const relayRoutes: FastifyPluginAsync<RelayRoutesOptions> = async (app, { relay }) => {
  app.get('/ws/agent', { websocket: true }, (socket, req) => {
    // Agents send no Origin; a web page that tries to open a link is told no before anything else.
    if (req.headers.origin !== undefined) {
      socket.close(4403, 'not for browsers');
      return;
    }
    relay.acceptAgent(socket, req.ip, req.host);
  });
};

/** A client session forwarded over its home's link, or refused with the reason (offline, unknown). */
export const relaySessions =
  (relay: Relay): SessionRoute =>
  (homeId, transport, source) =>
    relay.acceptClient(transport, homeId, source);
