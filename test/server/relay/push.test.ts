// Web Push that the relay cannot read: the agent encrypts each notification to the subscription
// (RFC 8291); the relay adds VAPID and delivers. A local HTTPS push service decrypts to check.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../server/log.js';
import type { AgentClient } from '../../../shared/client/agent-client.js';
import type { PushPayload } from '../../../shared/protocol/push.js';
import { pairDevice, prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../../harness/agent.js';
import { type HostileProxy, startHostileProxy } from '../../harness/hostile-proxy.js';
import {
  type PushService,
  payloadOf,
  startPushService,
  type TestSubscription,
} from '../../harness/push-service.js';
import { linkOf, linkUp, startTestRelay, type TestRelay } from '../../harness/relay.js';

let push: PushService | undefined;
let relay: TestRelay | undefined;
let agent: TestAgent | undefined;
let proxy: HostileProxy | undefined;
let client: AgentClient | undefined;
const relayLog: string[] = [];

afterEach(async () => {
  client?.close();
  await agent?.close();
  await proxy?.close();
  await relay?.close();
  await push?.close();
  push = relay = agent = proxy = client = undefined;
  relayLog.length = 0;
});

async function setup(opts: { capture?: boolean } = {}) {
  push = await startPushService();
  const prepared = await prepareAgentDir();
  const previous = process.env.LIFELINE_LOG;
  process.env.LIFELINE_LOG = 'debug';
  const log = createLogger('relay', (line) => relayLog.push(line));
  process.env.LIFELINE_LOG = previous;
  relay = await startTestRelay({ homes: [prepared.homeId], ca: push.cert.ca, log });
  // The proxy records every byte between agent and relay: what a capture on the relay would see.
  proxy = opts.capture ? await startHostileProxy(relay.url) : undefined;
  const linkUrl = proxy?.url ?? relay.url;
  agent = await startTestAgent(
    {
      yaml: () =>
        `home: { name: Push home }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${linkUrl}", heartbeatSeconds: 2 }\n`,
    },
    prepared,
  );
  await linkUp(agent!);
  const paired = await pairDevice(agent, 'phone', relay.url);
  client = paired.client;
  return { push, relay, agent, client };
}

async function subscribe(c: AgentClient, sub: TestSubscription, lang = 'en'): Promise<string> {
  const r = await c.command('notify.subscribe', {
    args: { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, lang },
  });
  if (r.status !== 'ok') throw new Error(JSON.stringify(r));
  return (r.data as { id: string }).id;
}

function payloads(svc: PushService, sub: TestSubscription): PushPayload[] {
  const name = new URL(sub.endpoint).pathname;
  return svc.received
    .filter((r) => r.path === name && r.body.length > 0)
    .flatMap((r) => payloadOf(sub, r.body) ?? []);
}

describe('web push', () => {
  it('delivers an event encrypted end to end; the relay only adds VAPID and never sees the text', async () => {
    const { push, relay, agent, client } = await setup({ capture: true });
    const sub = push.subscription('phone');
    await subscribe(client, sub);
    const marker = 'bind-mount /mnt/nas/ddns missing (marker 7f3a9)';
    agent.agent.events.append({
      kind: 'containers.died',
      severity: 'warning',
      subject: 'nas/ddns',
      message: `ddns exited with code 127: ${marker}`,
    });
    const [p] = await waitFor(
      () => (payloads(push, sub).length > 0 ? payloads(push, sub) : undefined),
      15_000,
      'push',
    );
    expect(p).toMatchObject({
      kind: 'containers.died',
      from: 'agent',
      severity: 'warning',
      url: '#/containers/nas%2Fddns',
      title: 'Push home: Container stopped',
    });
    expect(p!.body).toContain(marker);

    const req = push.received.find((r) => r.body.length > 0)!;
    expect(push.vapidValid(req, relay.relay.vapidPublicKey)).toBe(true);
    expect(req.headers).toMatchObject({ 'content-encoding': 'aes128gcm', urgency: 'high', ttl: '43200' });
    expect(req.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);

    // Nothing that passed through or stayed on the relay holds the text.
    const wire = Buffer.concat(
      proxy!.connections.flatMap((c) => [...c.recorded.up, ...c.recorded.down]).map((f) => f.data),
    );
    expect(wire.length).toBeGreaterThan(0);
    expect(wire.includes(Buffer.from('marker 7f3a9'))).toBe(false);
    expect(relayLog.join('\n')).not.toContain('marker 7f3a9');
    expect(readFileSync(path.join(relay.dir, 'relay.db')).includes(Buffer.from('marker 7f3a9'))).toBe(false);
    expect(relayLog.length).toBeGreaterThan(0);
  });

  it('drops a subscription the push service calls gone (410)', async () => {
    const { push, agent, client } = await setup();
    const sub = push.subscription('old-phone');
    push.respond = () => ({ status: 410 });
    const id = await subscribe(client, sub);
    expect(agent.agent.state.get('notify.subscription', id)).toBeDefined();
    agent.agent.events.append({
      kind: 'network.ddns-failed',
      severity: 'warning',
      message: 'Cloudflare said 403',
    });
    await waitFor(
      () => agent.agent.state.get('notify.subscription', id) === undefined,
      15_000,
      'subscription dropped',
    );
    expect(push.received).toHaveLength(1);
  });

  it('keeps a subscription on 429 and retries after Retry-After', async () => {
    const { push, agent, client } = await setup();
    const sub = push.subscription('busy');
    let calls = 0;
    push.respond = () => (++calls === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 201 });
    const id = await subscribe(client, sub);
    agent.agent.events.append({
      kind: 'network.ip-changed',
      severity: 'info',
      message: 'Public IPv4 changed from 203.0.113.7 to 198.51.100.23',
    });
    await waitFor(() => push.received.length >= 2, 20_000, 'retry');
    const [first, second] = push.received;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1900);
    expect(payloads(push, sub)[1]!.body).toContain('198.51.100.23');
    expect(agent.agent.state.get('notify.subscription', id)).toBeDefined();
  });

  it('delivers events queued while the relay was down exactly once after it returns', async () => {
    const { push, relay, agent, client } = await setup();
    const sub = push.subscription('phone');
    await subscribe(client, sub);
    client.close();
    await relay.stop();
    await waitFor(() => !linkOf(agent)?.connected || undefined, 10_000, 'link down');
    for (const n of [1, 2, 3])
      agent.agent.events.append({
        kind: 'containers.died',
        severity: 'warning',
        subject: `c${n}`,
        message: `container c${n} died (queued ${n})`,
      });
    await relay.restart();
    await waitFor(() => payloads(push, sub).length >= 3, 20_000, 'queued pushes');
    // Give duplicates (resends after reconnect) every chance to show up.
    await new Promise((r) => setTimeout(r, 2500));
    const bodies = payloads(push, sub)
      .map((p) => p.body)
      .sort();
    expect(bodies).toEqual([
      'container c1 died (queued 1)',
      'container c2 died (queued 2)',
      'container c3 died (queued 3)',
    ]);
  });

  it('sends a test notification to the asking device only', async () => {
    const { push, client } = await setup();
    const sub = push.subscription('phone');
    await subscribe(client, sub, 'zh-Hans');
    const r = await client.command('notify.test', { args: {} });
    expect(r).toMatchObject({ status: 'ok', data: { queued: 1 } });
    const [p] = await waitFor(
      () => (payloads(push, sub).length ? payloads(push, sub) : undefined),
      15_000,
      'test push',
    );
    expect(p).toMatchObject({ kind: 'notify.test', title: 'Push home: 测试通知' });
  });
});
