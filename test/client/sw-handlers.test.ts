// The service worker's logic as plain functions (a notification tap cannot be simulated in
// headless Chromium, so it is specified here).
import { describe, expect, it } from 'vitest';
import {
  type ClientLike,
  handleMessage,
  notificationForPush,
  openTarget,
  RELAY_NOTICE,
  readPush,
  targetUrl,
} from '../../client/src/sw/handlers.js';
import type { PushPayload } from '../../shared/protocol/push.js';
import { signPush } from '../../shared/push-signature.js';
import { generateIdentity } from '../../shared/session/keys.js';

const payload: PushPayload = {
  v: 1,
  kind: 'containers.died',
  title: 'Home: Container stopped',
  body: 'ddns exited with code 127',
  url: '#/containers/nas%2Fddns',
  tag: 'container.died:nas/ddns',
  severity: 'warning',
  at: 1_700_000_000_000,
  from: 'agent',
};

describe('service worker handlers', () => {
  it('turns a push into a notification that replaces older ones about the same thing', () => {
    const spec = notificationForPush(payload);
    expect(spec.title).toBe('Home: Container stopped');
    expect(spec.options).toMatchObject({
      body: 'ddns exited with code 127',
      tag: 'container.died:nas/ddns',
      renotify: true,
      data: { url: '#/containers/nas%2Fddns' },
    });
  });

  it('keeps a critical notification on screen until seen', () => {
    expect(notificationForPush({ ...payload, severity: 'critical' }).options.requireInteraction).toBe(true);
  });

  it('shows home’s words only when the pinned agent key signed them, each number once', async () => {
    const { identity: agent } = await generateIdentity(false);
    const { identity: relay } = await generateIdentity(false);
    const seen = new Set<number>();
    const deps = {
      agentKey: agent.publicKey,
      firstUse: async (n: number) => !seen.has(n) && !!seen.add(n),
    };
    const signed = await signPush(agent.privateKey, { ...payload, seq: 7 });
    expect(await readPush(signed, deps)).toMatchObject({ title: 'Home: Container stopped', seq: 7 });
    // The same bytes again (a relay replaying what it delivered): not home's any more.
    expect(await readPush(signed, deps)).toBeNull();
    // Signed by another key, altered, unsigned, unnumbered, or with no pinned key: never home's.
    expect(await readPush(await signPush(relay.privateKey, { ...payload, seq: 8 }), deps)).toBeNull();
    const envelope = JSON.parse(await signPush(agent.privateKey, { ...payload, seq: 9 })) as { d: string };
    const altered = JSON.stringify({ ...envelope, d: envelope.d.replace('code 127', 'code 0') });
    expect(await readPush(altered, deps)).toBeNull();
    expect(await readPush(JSON.stringify({ ...payload, seq: 10 }), deps)).toBeNull();
    expect(await readPush(await signPush(agent.privateKey, payload), deps)).toBeNull();
    expect(
      await readPush(await signPush(agent.privateKey, { ...payload, seq: 11 }), {
        ...deps,
        agentKey: undefined,
      }),
    ).toBeNull();
  });

  it('shows anything else with the relay’s fixed words, whatever it said', async () => {
    const { identity } = await generateIdentity(false);
    const deps = { agentKey: identity.publicKey, firstUse: async () => true };
    for (const bad of [null, '', 'not json', '{"v":2}', JSON.stringify({ ...payload, title: 'Pay now' })]) {
      const spec = notificationForPush(await readPush(bad, deps));
      expect(spec.title).toBe(RELAY_NOTICE.title);
      expect(spec.options.body).toBe(RELAY_NOTICE.body);
      expect(spec.options.data).toEqual({ url: '#/home', from: 'relay' });
    }
  });

  it('opens only routes inside the app', () => {
    expect(targetUrl('https://relay.example/', { url: '#/power/cabinet' })).toBe(
      'https://relay.example/#/power/cabinet',
    );
    expect(targetUrl('https://relay.example/', { url: 'https://evil.example/' })).toBe(
      'https://relay.example/#/activity',
    );
    expect(targetUrl('https://relay.example/', { url: 'javascript:alert(1)' })).toBe(
      'https://relay.example/#/activity',
    );
  });

  it('a tap focuses the open app and shows the item there', async () => {
    const messages: unknown[] = [];
    let focused = false;
    const win: ClientLike = {
      url: 'https://relay.example/#/home',
      focus: async () => {
        focused = true;
      },
      postMessage: (m) => messages.push(m),
    };
    let opened: string | undefined;
    await openTarget(
      'https://relay.example/',
      { url: '#/containers/nas%2Fddns' },
      {
        matchAll: async () => [win],
        openWindow: async (u) => {
          opened = u;
        },
      },
    );
    expect(focused).toBe(true);
    expect(messages).toEqual([{ type: 'navigate', url: 'https://relay.example/#/containers/nas%2Fddns' }]);
    expect(opened).toBeUndefined();
  });

  it('a tap opens the app at the item when it is not open', async () => {
    let opened: string | undefined;
    await openTarget(
      'https://relay.example/',
      { url: '#/machines/pc' },
      {
        matchAll: async () => [],
        openWindow: async (u) => {
          opened = u;
        },
      },
    );
    expect(opened).toBe('https://relay.example/#/machines/pc');
  });

  it('skips waiting only when the page asks, and ignores unknown messages', async () => {
    let skipped = 0;
    await handleMessage({ type: 'SKIP_WAITING' }, async () => {
      skipped++;
    });
    expect(handleMessage({ type: 'something-new' }, async () => {})).toBeUndefined();
    expect(handleMessage(null, async () => {})).toBeUndefined();
    expect(skipped).toBe(1);
  });
});
