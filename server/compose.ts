// `lifeline start`: the agent and a relay on one HTTP server, composed here and only here. Sessions
// for this agent's home go to its session hub; those for any other home, and the links of other
// agents, to the relay. Neither side imports the other (test/architecture/import-walls.test.ts).
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Agent, type AgentOptions, createAgent } from './agent/agent.js';
import { type AgentHttpParts, agentHttpOptions } from './agent/http.js';
import { loadOrCreateAgentIdentity } from './agent/identity.js';
import { defaultRelaySettings } from './config/relay-settings.js';
import { createHttpServer } from './http/server.js';
import { createLogger } from './log.js';
import { Relay } from './relay/relay.js';
import { relayRoutes, relaySessions } from './relay/routes.js';

export interface AgentWithRelay {
  agent: Agent;
  relay: Relay;
  /** Stops the agent, then the relay. */
  close(): Promise<void>;
}

export async function composeAgentWithRelay(
  opts: Omit<AgentOptions, 'serve' | 'embeddedRelay'>,
): Promise<AgentWithRelay> {
  const { config, dataDir } = opts.loaded;
  const log = opts.log ?? createLogger('start');
  // The relay must know this home before the agent links to it.
  const homeId = (await loadOrCreateAgentIdentity(dataDir)).identity.id;
  const relay = new Relay({
    settings: config.relayServer ?? defaultRelaySettings(),
    dataDir: path.join(dataDir, 'relay'),
    extraHomes: [homeId],
    log: log.child('relay'),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  let agent: Agent;
  try {
    agent = await createAgent({ ...opts, log, embeddedRelay: true, serve: (a) => serveWithRelay(a, relay) });
  } catch (err) {
    await relay.close();
    throw err;
  }
  return {
    agent,
    relay,
    async close() {
      await agent.close();
      await relay.close();
    },
  };
}

/** The agent's server, with the relay's routes and metrics on it and the sessions split by home. */
async function serveWithRelay(a: AgentHttpParts, relay: Relay): Promise<FastifyInstance> {
  const toRelay = relaySessions(relay);
  const own = agentHttpOptions(a, (home, transport, source, path) =>
    home === a.homeId ? a.accept(transport, source, path) : toRelay(home, transport, source),
  );
  const app = createHttpServer({
    ...own,
    metrics: { allowed: a.metricsAllowed, sources: [a.metrics, relay.metrics.registry] },
  });
  app.register(relayRoutes, { relay });
  await app.ready();
  return app;
}
