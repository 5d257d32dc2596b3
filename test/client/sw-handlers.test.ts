// The service worker's logic as plain functions (a notification tap cannot be simulated in
// headless Chromium, so it is specified here).
import { describe, expect, it } from 'vitest';
import {
  type ClientLike,
  handleMessage,
  notificationForPush,
  openTarget,
  targetUrl,
} from '../../client/src/sw/handlers.js';

const payload = {
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
    const spec = notificationForPush(JSON.stringify(payload));
    expect(spec.title).toBe('Home: Container stopped');
    expect(spec.options).toMatchObject({
      body: 'ddns exited with code 127',
      tag: 'container.died:nas/ddns',
      renotify: true,
      data: { url: '#/containers/nas%2Fddns' },
    });
  });

  it('keeps a critical notification on screen until seen', () => {
    expect(
      notificationForPush(JSON.stringify({ ...payload, severity: 'critical' })).options.requireInteraction,
    ).toBe(true);
  });

  it('still shows a notification for a push it cannot read', () => {
    for (const bad of [null, '', 'not json', '{"v":2}']) {
      const spec = notificationForPush(bad);
      expect(spec.title).toBe('Lifeline');
      expect(spec.options.data).toEqual({ url: '#/activity' });
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
