// A real relay (Fastify + WebSocket + SQLite) on a free port, trusting the test's push service.
import type { FastifyInstance } from 'fastify';
import * as v from 'valibot';
import { RelaySettingsSchema } from '../../server/config/relay-settings.js';
import { createLogger, type Logger, silentLogger } from '../../server/log.js';
import type { HttpPost } from '../../server/notify/channels.js';
import { buildRelayApp } from '../../server/relay/app.js';
import { httpsTransport } from '../../server/relay/push-sender.js';
import { Relay } from '../../server/relay/relay.js';
import type { RelayLinkInfo } from '../../shared/protocol/vocabulary.js';
import { type TestAgent, waitFor } from './agent.js';
import { freePort } from './cli.js';
import { tempDir } from './temp.js';

export interface TestRelay {
  relay: Relay;
  app: FastifyInstance;
  url: string;
  dir: string;
  /** Stops the relay process-equivalent: all links and sessions drop. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startTestRelay(opts: {
  homes: string[];
  settings?: Partial<v.InferInput<typeof RelaySettingsSchema>>;
  ca?: string;
  post?: HttpPost;
  log?: Logger;
  /** relay.yaml's app.serve: the relay serves the app's files. */
  serveApp?: boolean;
}): Promise<TestRelay> {
  const tmp = tempDir('lifeline-relay-');
  const settings = v.parse(RelaySettingsSchema, { homes: opts.homes, ...opts.settings });
  const make = async (port: number) => {
    const relay = await Relay.open({
      settings,
      dataDir: tmp.dir,
      log: opts.log ?? (process.env.LIFELINE_TEST_LOG ? createLogger('relay') : silentLogger),
      pushTransport: httpsTransport(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.post ? { post: opts.post } : {}),
    });
    const app = await buildRelayApp({ relay, trustProxy: [], ...(opts.serveApp ? { serveApp: true } : {}) });
    const address = await app.listen({ host: '127.0.0.1', port });
    return { relay, app, url: address };
  };
  // A port from below the ephemeral range (freePort): restart() binds it again, and a port from
  // that range can be taken meanwhile by an outgoing connection (the agent's own redials).
  const first = await make(await freePort());
  let running = true;
  const t: TestRelay = {
    ...first,
    dir: tmp.dir,
    async stop() {
      if (!running) return;
      running = false;
      await t.app.close();
      await t.relay.close();
    },
    async restart() {
      await t.stop();
      const next = await make(Number(new URL(t.url).port));
      t.relay = next.relay;
      t.app = next.app;
      running = true;
    },
    async close() {
      await t.stop();
      tmp.remove();
    },
  };
  return t;
}

/** The agent's view of its relay link. */
export const linkOf = (t: TestAgent) => t.agent.state.get('relay', 'link') as RelayLinkInfo | undefined;

/** Waits until the agent's link to the relay is up. */
export const linkUp = (t: TestAgent, timeoutMs = 10_000) =>
  waitFor(() => linkOf(t)?.connected, timeoutMs, 'relay link up');
