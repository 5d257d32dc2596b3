// `lifeline start`: the agent and a relay on one HTTP server, composed here and only here. Sessions
// for this agent's home go to its session hub; those for any other home, and the links of other
// agents, to the relay. Neither side imports the other (test/architecture/import-walls.test.ts).
// With `relayServer.passthrough`, phones' TLS on that port goes by name: this home's own name to
// the agent's TLS end here, every other home's over its link, as `lifeline relay` does.
import type net from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Agent, type AgentOptions, createAgent } from './agent/agent.js';
import { type AgentHttpParts, agentHttpOptions } from './agent/http.js';
import { loadOrCreateAgentIdentity } from './agent/identity.js';
import { systemClock } from './clock.js';
import { defaultRelaySettings } from './config/relay-settings.js';
import { createHttpServer } from './http/server.js';
import { createLogger } from './log.js';
import type { PassthroughRouter } from './relay/passthrough.js';
import { openPassthroughPort, type PassthroughPort } from './relay/passthrough-port.js';
import { Relay } from './relay/relay.js';
import { relayRoutes, relaySessions } from './relay/routes.js';

export interface AgentWithRelay {
  agent: Agent;
  relay: Relay;
  /** Listens (the agent, then the pass-through port if configured); resolves with the agent's URL. */
  listen(): Promise<string>;
  /** The pass-through port, once listening with `relayServer.passthrough`. */
  readonly passthrough: PassthroughPort | undefined;
  /** Stops the pass-through port, the agent, then the relay. */
  close(): Promise<void>;
}

export async function composeAgentWithRelay(
  opts: Omit<AgentOptions, 'serve' | 'embeddedRelay'>,
): Promise<AgentWithRelay> {
  const { config, dataDir } = opts.loaded;
  const log = opts.log ?? createLogger('start');
  // The relay must know this home before the agent links to it.
  const homeId = (await loadOrCreateAgentIdentity(dataDir)).identity.id;
  const settings = config.relayServer ?? defaultRelaySettings();
  const relay = await Relay.open({
    settings,
    dataDir: path.join(dataDir, 'relay'),
    extraHomes: [homeId],
    log: log.child('relay'),
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  let agent: Agent;
  try {
    agent = await createAgent({
      ...opts,
      log,
      embeddedRelay: true,
      // One port for the name: the pass-through takes it and hands this home's TLS to the agent.
      httpsListener: !(config.tls && settings.passthrough?.port === config.tls.listen.port),
      serve: (a) => serveWithRelay(a, relay),
    });
  } catch (err) {
    await relay.close();
    throw err;
  }
  let passthrough: PassthroughPort | undefined;
  const a = agent;
  return {
    agent,
    relay,
    get passthrough() {
      return passthrough;
    },
    async listen() {
      const url = await a.listen();
      const at = settings.passthrough;
      if (at && !passthrough)
        try {
          passthrough = await openPassthroughPort({
            settings: at,
            relay,
            router: ownNameFirst(a, relay),
            clock: opts.clock ?? systemClock,
            log: log.child('passthrough'),
          });
        } catch (err) {
          // The agent is the lifeline: it runs on without the port (443 needs CAP_NET_BIND_SERVICE).
          log.error(`cannot open the TLS pass-through port ${at.host}:${at.port}: ${(err as Error).message}`);
        }
      return url;
    },
    async close() {
      await passthrough?.close();
      await agent.close();
      await relay.close();
    },
  };
}

/** This home's name ends TLS right here (no detour over its own link); other names go to their homes. */
function ownNameFirst(agent: Agent, relay: Relay): PassthroughRouter {
  return {
    pipe(name: string, socket: net.Socket, first: Buffer, source: string) {
      const own = agent.https;
      if (!own || name !== own.name) return relay.pipe(name, socket, first, source);
      if (!own.terminator.ready) return { refused: 'no certificate yet' };
      // The hello was read off the socket: put it back for the TLS socket to read first.
      socket.unshift(first);
      own.terminator.accept(socket, { path: 'direct', source });
      return null;
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
