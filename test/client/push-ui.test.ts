// Turning notifications on from the PWA: the browser subscription (stubbed: headless Chromium has
// no push service) is registered with the agent over the session, and a test notification travels
// agent → relay → a real HTTPS push service, end to end encrypted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushSubscriptionView } from '../../shared/protocol/vocabulary.js';
import { prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../harness/agent.js';
import { type Browser, launchBrowser, pairPage } from '../harness/browser.js';
import {
  type PushService,
  payloadOf,
  startPushService,
  type TestSubscription,
} from '../harness/push-service.js';
import { linkUp, startTestRelay, type TestRelay } from '../harness/relay.js';

let push: PushService;
let relay: TestRelay;
let t: TestAgent;
let b: Browser;
let sub: TestSubscription;

beforeAll(async () => {
  push = await startPushService();
  const prepared = await prepareAgentDir();
  relay = await startTestRelay({ homes: [prepared.homeId], ca: push.cert.ca });
  const relayUrl = relay.url;
  t = await startTestAgent(
    {
      yaml: () =>
        `home: { name: Test home }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relayUrl}" }\n`,
    },
    prepared,
  );
  await linkUp(t);
  sub = push.subscription('browser');
  b = await launchBrowser();
  await b.context.grantPermissions(['notifications'], { origin: t.url });
  await b.context.addInitScript(
    (s: { endpoint: string; p256dh: string; auth: string }) => {
      let current: PushSubscription | null = null;
      const fake = {
        endpoint: s.endpoint,
        expirationTime: null,
        options: {},
        toJSON: () => ({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }),
        getKey: () => null,
        unsubscribe: async () => {
          current = null;
          return true;
        },
      } as unknown as PushSubscription;
      PushManager.prototype.subscribe = async () => {
        current = fake;
        return fake;
      };
      PushManager.prototype.getSubscription = async () => current;
    },
    { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth },
  );
  await pairPage(b.page, t);
});

afterAll(async () => {
  await b?.close();
  await t?.close();
  await relay?.close();
  await push?.close();
});

describe('notification settings', () => {
  it('enables push with the chosen events, sends a test, and saves new choices', async () => {
    const { page } = b;
    await page.goto(`${t.url}/#/settings`);
    await page.getByLabel('Machines (Wake-on-LAN)').uncheck();
    await page.getByRole('button', { name: 'Enable notifications' }).click();
    await page.getByText('Notifications are on for this device.').waitFor({ timeout: 15_000 });
    const [entity] = t.agent.state.list('notify.subscription');
    expect((entity!.data as PushSubscriptionView).kinds).not.toContain('machines');
    expect((entity!.data as PushSubscriptionView).kinds).toContain('containers');

    await page.getByRole('button', { name: 'Send a test' }).click();
    const body = await waitFor(
      () => push.received.find((r) => r.path === '/push/browser')?.body,
      15_000,
      'test push',
    );
    expect(payloadOf(sub, body)).toMatchObject({
      kind: 'notify.test',
      title: 'Test home: Test notification',
      from: 'agent',
    });

    await page.getByLabel('Public IP, DNS and DDNS').uncheck();
    await page.getByRole('button', { name: 'Save choices' }).click();
    await page.getByText('Saved.').waitFor();
    await waitFor(
      () =>
        !((t.agent.state.list('notify.subscription')[0]!.data as PushSubscriptionView).kinds ?? []).includes(
          'net',
        ),
      5000,
      'saved',
    );

    await page.getByRole('button', { name: 'Turn off' }).click();
    await waitFor(() => t.agent.state.list('notify.subscription').length === 0, 10_000, 'unsubscribed');
    await page.getByRole('button', { name: 'Enable notifications' }).waitFor();
  });
});
