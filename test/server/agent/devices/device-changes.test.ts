// Who may add or remove a device (SPEC §5): both need the typed confirmation, and every other
// paired device is told at once — past its kinds filter and quiet hours — so a phone left
// unlocked cannot quietly add a device of its own. Pushes go through a real relay to a local push
// service that decrypts them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../../../../shared/client/agent-client.js';
import { parsePairingLink, sessionUrl } from '../../../../shared/pairing-link.js';
import type { PushPayload } from '../../../../shared/protocol/push.js';
import { openClientSession } from '../../../../shared/session/client-session.js';
import { generateIdentity } from '../../../../shared/session/keys.js';
import {
  openSocket,
  pairDevice,
  prepareAgentDir,
  startTestAgent,
  type TestAgent,
  waitFor,
} from '../../../harness/agent.js';
import {
  type PushService,
  payloadOf,
  startPushService,
  type TestSubscription,
} from '../../../harness/push-service.js';
import { linkUp, startTestRelay, type TestRelay } from '../../../harness/relay.js';

let push: PushService;
let relay: TestRelay;
let t: TestAgent;
type Paired = Awaited<ReturnType<typeof pairDevice>>;
let alice: Paired;
let bob: Paired;
let carol: Paired;
const subs: Record<string, TestSubscription> = {};

/** Quiet hours around now: an ordinary notice would wait; a device change must not. */
function quietNow(): string {
  const h = new Date().getHours();
  const hh = (n: number) => String((n + 24) % 24).padStart(2, '0');
  return `${hh(h - 1)}:00-${hh(h + 2)}:00`;
}

function payloads(sub: TestSubscription): PushPayload[] {
  const name = new URL(sub.endpoint).pathname;
  return push.received
    .filter((r) => r.path === name && r.body.length > 0)
    .flatMap((r) => payloadOf(sub, r.body) ?? []);
}

async function subscribe(p: Paired, name: string, kinds: string[] | null) {
  subs[name] = push.subscription(name);
  const r = await p.client.command('notify.subscribe', {
    args: { endpoint: subs[name].endpoint, p256dh: subs[name].p256dh, auth: subs[name].auth, kinds },
  });
  expect(r.status).toBe('ok');
}

beforeAll(async () => {
  push = await startPushService();
  const prepared = await prepareAgentDir();
  relay = await startTestRelay({ homes: [prepared.homeId], ca: push.cert.ca });
  t = await startTestAgent(
    {
      yaml: `home: { name: Hill house }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relay.url}" }\nnotify: { quietHours: "${quietNow()}" }\n`,
    },
    prepared,
  );
  await linkUp(t);
  alice = await pairDevice(t, 'alice phone');
  bob = await pairDevice(t, 'bob phone');
  carol = await pairDevice(t, 'carol tablet');
  // Alice only wants container notices; Bob wants everything.
  await subscribe(alice, 'alice', ['containers']);
  await subscribe(bob, 'bob', null);
});

afterAll(async () => {
  for (const p of [alice, bob, carol]) p?.client.close();
  await t?.close();
  await relay?.close();
  await push?.close();
});

describe('adding and removing devices', () => {
  it('makes a pairing link only with the home name typed; its use is told to every other device', async () => {
    const first = await alice.client.command('devices.pair', { args: {} });
    expect(first.status).toBe('confirm');
    if (first.status !== 'confirm') return;
    expect(first.confirm.typeToConfirm).toBe('Hill house');
    expect(first.confirm.consequences).toContain('Every other paired device is notified when it is used');
    const wrong = await alice.client.command('devices.pair', {
      args: {},
      confirm: { challenge: first.confirm.challenge },
    });
    expect(wrong).toMatchObject({ status: 'error', error: { code: 'confirm-text-mismatch' } });

    const again = await alice.client.command('devices.pair', { args: {} });
    if (again.status !== 'confirm') throw new Error('expected a confirmation');
    const made = await alice.client.command('devices.pair', {
      args: {},
      confirm: { challenge: again.confirm.challenge, text: 'Hill house' },
    });
    if (made.status !== 'ok') throw new Error(JSON.stringify(made));
    const link = parsePairingLink((made.data as { link: string }).link);
    if ('error' in link) throw new Error(link.error);

    const { identity } = await generateIdentity(false);
    const { transport } = await openSocket(sessionUrl(t.url, t.agent.homeId));
    const session = await openClientSession(transport, {
      homeId: t.agent.homeId,
      device: identity,
      client: { kind: 'pwa', version: 'test' },
      pair: { code: link.code, name: 'unknown laptop' },
    });
    const newcomer = new AgentClient(session);
    await newcomer.ready();
    newcomer.close();

    const [notice] = await waitFor(
      () => (payloads(subs.bob!).length > 0 ? payloads(subs.bob!) : undefined),
      15_000,
      'bob told of the new device',
    );
    expect(notice).toMatchObject({ kind: 'devices.paired', from: 'agent', url: '#/settings' });
    expect(notice!.body).toBe('New device paired: unknown laptop (link made by alice phone)');
    // Alice made the link: she is not told of her own act (and her filter would not matter).
    expect(payloads(subs.alice!)).toEqual([]);
  });

  it('revokes only with the device name typed, and tells every other device at once, past filters and quiet hours', async () => {
    const first = await bob.client.command('devices.revoke', { target: carol.device.id, args: {} });
    if (first.status !== 'confirm') throw new Error('expected a confirmation');
    expect(first.confirm.typeToConfirm).toBe('carol tablet');
    const wrong = await bob.client.command('devices.revoke', {
      target: carol.device.id,
      args: {},
      confirm: { challenge: first.confirm.challenge, text: 'carol' },
    });
    expect(wrong).toMatchObject({ status: 'error', error: { code: 'confirm-text-mismatch' } });
    expect(t.agent.state.get('devices', carol.device.id)).toBeDefined();

    const again = await bob.client.command('devices.revoke', { target: carol.device.id, args: {} });
    if (again.status !== 'confirm') throw new Error('expected a confirmation');
    const done = await bob.client.command('devices.revoke', {
      target: carol.device.id,
      args: {},
      confirm: { challenge: again.confirm.challenge, text: 'carol tablet' },
    });
    expect(done.status).toBe('ok');

    // Alice filters to containers and it is quiet hours: she is told anyway, at once.
    const [notice] = await waitFor(
      () => (payloads(subs.alice!).length > 0 ? payloads(subs.alice!) : undefined),
      15_000,
      'alice told of the revocation',
    );
    expect(notice).toMatchObject({ kind: 'devices.revoked', from: 'agent' });
    expect(notice!.body).toBe('Device revoked: carol tablet (by bob phone)');
    expect(payloads(subs.bob!).map((p) => p.kind)).toEqual(['devices.paired']);

    // An ordinary notice still waits for quiet hours to end, and Alice's filter still holds.
    t.agent.events.append({
      kind: 'network.ddns-failed',
      severity: 'warning',
      message: 'Cloudflare said 403',
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(payloads(subs.bob!).map((p) => p.kind)).toEqual(['devices.paired']);
  });
});
