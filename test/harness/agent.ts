// Starts a real agent (real SQLite, real HTTP/WebSocket on a free port) in a temp folder.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { type Agent, createAgent } from '../../server/agent/agent.js';
import type { CapabilityFactory } from '../../server/agent/capabilities.js';
import { loadOrCreateAgentIdentity } from '../../server/agent/identity.js';
import type { Clock } from '../../server/clock.js';
import { loadConfig } from '../../server/config/load.js';
import { silentLogger } from '../../server/log.js';
import type { HttpPost } from '../../server/notify/channels.js';
import type { Relay } from '../../server/relay/relay.js';
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

export interface TestAgentOptions {
  /** The config; a function gets the home id first (a relay's allow-list needs it). */
  yaml?: string | ((homeId: string) => string);
  clock?: Clock;
  clientDir?: string;
  relay?: Relay;
  post?: HttpPost;
  capabilities?: CapabilityFactory[];
  /** When the host booted; by default the kernel's (deaths in its first minutes are boot races). */
  hostBootAt?: number;
}

/** Makes the agent's data folder and key ahead of start, so its home id is known in advance. */
export async function prepareAgentDir(): Promise<{ dir: string; homeId: string; remove: () => void }> {
  const tmp = tempDir();
  const { identity } = await loadOrCreateAgentIdentity(path.join(tmp.dir, 'data'));
  return { dir: tmp.dir, homeId: identity.id, remove: tmp.remove };
}

export async function startTestAgent(
  opts: TestAgentOptions = {},
  prepared?: Awaited<ReturnType<typeof prepareAgentDir>>,
): Promise<TestAgent> {
  const tmp = prepared ?? (await prepareAgentDir());
  const file = path.join(tmp.dir, 'lifeline.yaml');
  const yaml = typeof opts.yaml === 'function' ? opts.yaml(tmp.homeId) : opts.yaml;
  writeFileSync(file, yaml ?? 'home: { name: Test home }\nlisten: { host: 127.0.0.1, port: 0 }\n');
  const make = (port: number) =>
    createAgent({
      loaded: loadConfig(file),
      log: silentLogger,
      port,
      ...(opts.clock ? { clock: opts.clock } : {}),
      ...(opts.clientDir ? { clientDir: opts.clientDir } : {}),
      ...(opts.relay ? { relay: opts.relay } : {}),
      ...(opts.post ? { post: opts.post } : {}),
      ...(opts.capabilities ? { capabilities: opts.capabilities } : {}),
      ...(opts.hostBootAt !== undefined ? { hostBootAt: opts.hostBootAt } : {}),
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
  // Attach before 'open': a relay may answer in the same packet as the upgrade.
  const transport = wsTransport(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, transport };
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

/** Pairs through a pairing link (from `lifeline pair`), like a phone opening it. */
export async function pairWithLink(
  link: string,
  name = 'test device',
  baseOverride?: string,
): Promise<AgentClient> {
  const { parsePairingLink } = await import('../../shared/pairing-link.js');
  const parsed = parsePairingLink(link);
  if ('error' in parsed) throw new Error(parsed.error);
  const { identity } = await generateIdentity(false);
  const { transport } = await openSocket(sessionUrl(baseOverride ?? parsed.base, parsed.homeId));
  const session = await openClientSession(transport, {
    homeId: parsed.homeId,
    device: identity,
    client: { kind: 'ctl', version: 'test' },
    pair: { code: parsed.code, name },
  });
  const client = new AgentClient(session);
  await client.ready();
  return client;
}
