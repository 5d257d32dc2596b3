// Starts a real agent (real SQLite, real HTTP/WebSocket on a free port) in a temp folder.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { type Agent, createAgent } from '../../server/agent/agent.js';
import type { Clock } from '../../server/clock.js';
import { loadConfig } from '../../server/config/load.js';
import { silentLogger } from '../../server/log.js';
import { wsTransport } from '../../server/ws-transport.js';
import { AgentClient } from '../../shared/client/agent-client.js';
import { sessionUrl } from '../../shared/pairing-link.js';
import { openClientSession } from '../../shared/session/client-session.js';
import { generateIdentity, type Identity } from '../../shared/session/keys.js';
import type { MessageTransport } from '../../shared/session/transport.js';
import { tempDir } from './temp.js';

export interface TestAgent {
  agent: Agent;
  url: string;
  dir: string;
  /** Stops the agent as a power cut would look from outside: every connection drops, nothing answers. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data folder. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export class ManualClock implements Clock {
  constructor(public t = Date.now()) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export async function startTestAgent(
  opts: { yaml?: string; clock?: Clock; clientDir?: string } = {},
): Promise<TestAgent> {
  const tmp = tempDir();
  const file = path.join(tmp.dir, 'lifeline.yaml');
  writeFileSync(file, opts.yaml ?? 'home: { name: Test home }\nlisten: { host: 127.0.0.1, port: 0 }\n');
  const make = (port: number) =>
    createAgent({
      loaded: loadConfig(file),
      log: silentLogger,
      port,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.clientDir ? { clientDir: opts.clientDir } : {}),
    });
  const t: TestAgent = {
    agent: await make(0),
    url: '',
    dir: tmp.dir,
    stopped: false,
    async stop() {
      if (this.stopped) return;
      this.stopped = true;
      await this.agent.close();
    },
    async restart() {
      await this.stop();
      this.agent = await make(Number(new URL(this.url).port));
      await this.agent.listen();
      this.stopped = false;
    },
    async close() {
      await this.stop();
      tmp.remove();
    },
  } as TestAgent & { stopped: boolean };
  t.url = await t.agent.listen();
  return t;
}

export async function openSocket(url: string): Promise<{ socket: WebSocket; transport: MessageTransport }> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, transport: wsTransport(socket) };
}

/** Pairs a fresh device key through a real session and returns the live client. */
export async function pairDevice(
  t: TestAgent,
  name = 'test device',
  base = t.url,
): Promise<{ client: AgentClient; device: Identity; agentKey: Uint8Array }> {
  const { identity } = await generateIdentity(false);
  const { code } = t.agent.pairing.create(null);
  const { transport } = await openSocket(sessionUrl(base, t.agent.homeId));
  const session = await openClientSession(transport, {
    homeId: t.agent.homeId,
    device: identity,
    client: { kind: 'ctl', version: 'test' },
    pair: { code, name },
  });
  const client = new AgentClient(session);
  await client.ready();
  return { client, device: identity, agentKey: session.agentKey };
}

/** Opens a normal (already paired) session for a device key. */
export async function connectDevice(
  t: TestAgent,
  device: Identity,
  agentKey: Uint8Array,
  base = t.url,
): Promise<AgentClient> {
  const { transport } = await openSocket(sessionUrl(base, t.agent.homeId));
  const session = await openClientSession(transport, {
    homeId: t.agent.homeId,
    pinnedAgentKey: agentKey,
    device,
    client: { kind: 'ctl', version: 'test' },
  });
  const client = new AgentClient(session);
  await client.ready();
  return client;
}

export async function waitFor<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
