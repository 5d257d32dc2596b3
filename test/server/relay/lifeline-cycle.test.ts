// From the Power screen's "power-cycle" to the owner's phone: the cabinet plug cycles on its own
// timer, the agent tells the relay when home should be back, and the relay reports the outcome —
// here, that home stayed reachable (the agent runs elsewhere than behind the cabinet plug).
import { afterAll, expect, it } from 'vitest';
import { pairDevice, prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../../harness/agent.js';
import { type PushService, payloadOf, startPushService } from '../../harness/push-service.js';
import { linkUp, startTestRelay, type TestRelay } from '../../harness/relay.js';
import { type ShellyGen2Sim, startShellyGen2 } from '../../simulators/shelly-gen2.js';

let push: PushService;
let relay: TestRelay;
let t: TestAgent;
let cabinet: ShellyGen2Sim;

afterAll(async () => {
  await t?.close();
  await relay?.close();
  await push?.close();
  await cabinet?.close();
});

it('a lifeline power-cycle reaches the relay, which reports its outcome to the phone', async () => {
  push = await startPushService();
  cabinet = await startShellyGen2({ cabinet: true, watts: 41.5 });
  const prepared = await prepareAgentDir();
  relay = await startTestRelay({ homes: [prepared.homeId], ca: push.cert.ca });
  const config = {
    home: { name: 'Cabin' },
    listen: { host: '127.0.0.1', port: 0 },
    relay: { url: relay.url, heartbeatSeconds: 2 },
    power: [
      {
        id: 'cabinet',
        name: 'Network cabinet',
        driver: 'shelly-gen2',
        address: cabinet.address,
        lifeline: true,
        powers: ['router'],
        cycleSeconds: 5,
        bootSeconds: 10,
        pollSeconds: 1,
        timeoutSeconds: 1,
      },
    ],
  };
  t = await startTestAgent({ yaml: JSON.stringify(config) }, prepared);
  await linkUp(t);
  const { client } = await pairDevice(t, 'phone', relay.url);
  const sub = push.subscription('phone');
  await client.command('notify.subscribe', {
    args: { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, lang: 'en' },
  });
  await waitFor(
    () => (t.agent.state.get('power', 'cabinet') as { online?: boolean } | undefined)?.online,
    10_000,
    'plug online',
  );

  const ask = await client.command('power.cycle', { target: 'cabinet', args: {} });
  expect(ask.status).toBe('confirm');
  if (ask.status !== 'confirm') return;
  expect(ask.confirm.typeToConfirm).toBe('Network cabinet');
  const done = await client.command('power.cycle', {
    target: 'cabinet',
    args: {},
    confirm: { challenge: ask.confirm.challenge, text: 'Network cabinet' },
  });
  expect(done.status).toBe('ok');

  const kinds = () =>
    push.received.filter((r) => r.path === '/push/phone').map((r) => payloadOf(sub, r.body)?.kind);
  // The agent's own notice that the cycle started, then the relay's verdict once the deadline passed.
  await waitFor(() => kinds().includes('lifeline.cycle-started'), 15_000, 'cycle notice from the agent');
  await waitFor(() => kinds().includes('lifeline.cycle-kept'), 40_000, 'outcome from the relay');
  const verdict = push.received
    .map((r) => payloadOf(sub, r.body))
    .find((p) => p?.kind === 'lifeline.cycle-kept')!;
  expect(verdict).toMatchObject({ from: 'agent', sealed: true, title: 'Cabin: power-cycle done' });
  expect(verdict.body).toBe('The power-cycle of Network cabinet finished and home stayed reachable.');
  expect((t.agent.state.get('power', 'cabinet') as { on?: boolean }).on).toBe(true);
  client.close();
}, 90_000);
