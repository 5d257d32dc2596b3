// The agent's side of an HTTP server: what it hands to whoever builds the server it listens on,
// and the server it gets when it serves alone (`lifeline agent`, tests). `lifeline start` adds the
// relay to the same server in server/compose.ts; the agent never sees it.
import type { FastifyInstance } from 'fastify';
import { MAX_FRAME_BYTES } from '../../shared/protocol/limits.js';
import type { MessageTransport } from '../../shared/session/transport.js';
import type { MetricsSource } from '../http/metrics-route.js';
import { createHttpServer, type HttpServerOptions } from '../http/server.js';
import type { SessionRoute } from '../http/session-route.js';

export interface AgentHttpParts {
  homeId: string;
  /** Takes a client session for this home from `source`, direct or through the relay's TLS pass-through. */
  accept(transport: MessageTransport, source: string, path?: 'direct' | 'relay'): void;
  metrics: MetricsSource;
  metricsAllowed(ip: string): boolean;
  tls?: { cert: string; key: string } | undefined;
  trustProxy: readonly string[];
  clientDir?: string | undefined;
  /** DNS names the agent is reached by (WebSocket Origin check), and origins the app may connect to. */
  origins?: { names: readonly string[]; connect: readonly string[] } | undefined;
}

/** Builds the (ready) HTTP server the agent listens on. */
export type ServeAgent = (parts: AgentHttpParts) => Promise<FastifyInstance>;

/** The agent's server options, with the session route its composer chooses. */
export function agentHttpOptions(a: AgentHttpParts, route: SessionRoute): HttpServerOptions {
  return {
    tls: a.tls,
    trustProxy: a.trustProxy,
    bodyLimit: 64 * 1024,
    maxPayload: MAX_FRAME_BYTES,
    route,
    metrics: { allowed: a.metricsAllowed, sources: [a.metrics] },
    clientDir: a.clientDir,
    servedBy: 'agent',
    origins: a.origins ?? { names: [], connect: [] },
  };
}

/** The agent alone: every session is for its home (the ?home= parameter is not consulted). */
export const serveAgentAlone: ServeAgent = async (a) => {
  const app = createHttpServer(
    agentHttpOptions(a, (_home, transport, source, path) => a.accept(transport, source, path)),
  );
  await app.ready();
  return app;
};
