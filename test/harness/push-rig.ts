// An agent linked to a relay, a paired phone subscribed to Web Push, and a local push service that
// decrypts what arrives: what the owner's phone would show, for tests of the notifications.
import type { AgentClient } from '../../shared/client/agent-client.js';
import type { PushPayload } from '../../shared/protocol/push.js';
import { pairDevice, prepareAgentDir, startTestAgent, type TestAgent, waitFor } from './agent.js';
import { type PushService, startPushService, type TestSubscription } from './push-service.js';
import { linkUp, startTestRelay, type TestRelay } from './relay.js';

export interface PushRig {
  agent: TestAgent;
  phone: AgentClient;
  relay: TestRelay;
  push: PushService;
  /** Every notification that reached the phone so far, decrypted. */
  received(): PushPayload[];
  /** Resolves once a notification of this kind (the nth, from 1) has arrived. */
  next(kind: string, nth?: number, timeoutMs?: number): Promise<PushPayload>;
  close(): Promise<void>;
}

/** `yaml` holds the capability sections; home, listen and relay are added. */
export async function startPushRig(yaml: string, home = 'Push home'): Promise<PushRig> {
  const push = await startPushService();
  const prepared = await prepareAgentDir();
  const relay = await startTestRelay({ homes: [prepared.homeId], ca: push.cert.ca });
  const agent = await startTestAgent(
    {
      yaml: () =>
        `home: { name: ${home} }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relay.url}", heartbeatSeconds: 2 }\n${yaml}`,
      hostBootAt: Date.now() - 24 * 3600_000,
    },
    prepared,
  );
  await linkUp(agent);
  const phone = (await pairDevice(agent, 'phone', relay.url)).client;
  const sub: TestSubscription = push.subscription('phone');
  const r = await phone.command('notify.subscribe', {
    args: { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, lang: 'en' },
  });
  if (r.status !== 'ok') throw new Error(`subscribe: ${JSON.stringify(r)}`);
  const path = new URL(sub.endpoint).pathname;
  const received = () =>
    push.received
      .filter((x) => x.path === path && x.body.length > 0)
      .map((x) => JSON.parse(sub.decrypt(x.body)) as PushPayload);
  return {
    agent,
    phone,
    relay,
    push,
    received,
    next: (kind, nth = 1, timeoutMs = 30_000) =>
      waitFor(() => received().filter((p) => p.kind === kind)[nth - 1], timeoutMs, `push ${kind} #${nth}`),
    async close() {
      phone.close();
      await agent.close();
      await relay.close();
      await push.close();
    },
  };
}
