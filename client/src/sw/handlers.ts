// What the service worker does, as plain functions the tests can call directly (STYLE 12).
// The worker file only wires events to these.
import type { PushPayload } from '../../../shared/protocol/push.js';
import { openSignedPush } from '../../../shared/push-signature.js';

export interface NotificationSpec {
  title: string;
  options: NotificationOptions & { renotify?: boolean; timestamp?: number };
}

const ICON = '/icons/icon-192.png';
const BADGE = '/icons/maskable-192.png';

/**
 * What a push says, if home said it: signed by the agent key pinned at pairing, with a number not
 * shown before (the relay keeps what it delivered and could send it again). Null otherwise.
 */
export async function readPush(
  data: string | null | undefined,
  deps: { agentKey: Uint8Array | undefined; firstUse(seq: number): Promise<boolean> },
): Promise<PushPayload | null> {
  if (!deps.agentKey) return null;
  const payload = await openSignedPush(data, deps.agentKey);
  if (!payload || !(await deps.firstUse(payload.seq!))) return null;
  return payload;
}

/**
 * Anything home did not sign: the relay's own notice when it ran out of sealed ones, a replay, a
 * forgery. Always these words, so no relay can make the phone say something in home's name.
 */
export const RELAY_NOTICE = {
  title: 'Lifeline: a notice from the relay',
  body: 'Your relay sent a notice that home did not sign, so it is not shown. Open Lifeline to see how home is.',
};

/**
 * A push always shows a notification (browsers penalise silent pushes): home's own words when
 * `readPush` confirmed them, else the fixed relay notice.
 */
export function notificationForPush(payload: PushPayload | null, now = Date.now()): NotificationSpec {
  if (!payload)
    return {
      title: RELAY_NOTICE.title,
      options: {
        body: RELAY_NOTICE.body,
        tag: 'lifeline-relay',
        icon: ICON,
        badge: BADGE,
        timestamp: now,
        data: { url: '#/home', from: 'relay' },
      },
    };
  const critical = payload.severity === 'critical';
  return {
    title: payload.title,
    options: {
      body: payload.body,
      // One notification per subject: a newer one about the same thing replaces the older.
      tag: payload.tag,
      renotify: payload.severity !== 'info',
      requireInteraction: critical,
      icon: ICON,
      badge: BADGE,
      // A sealed notice was written ahead of time: it happened when it arrives.
      timestamp: payload.sealed ? now : payload.at,
      data: { url: payload.url, kind: payload.kind, from: payload.from },
    },
  };
}

/** The page a notification tap opens: a hash route inside the app's scope, nothing else. */
export function targetUrl(scope: string, data: unknown): string {
  const url = (data as { url?: unknown } | null)?.url;
  const hash = typeof url === 'string' && /^#\/[\w\-/%.~]*$/.test(url) ? url : '#/activity';
  return new URL(hash, scope).toString();
}

export interface ClientLike {
  url: string;
  focus(): Promise<unknown>;
  navigate?(url: string): Promise<unknown>;
  postMessage(message: unknown): void;
}

/** Focuses an open window of the app and shows the item there, or opens a new one. */
export async function openTarget(
  scope: string,
  data: unknown,
  clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly ClientLike[]>;
    openWindow(url: string): Promise<unknown>;
  },
): Promise<void> {
  const url = targetUrl(scope, data);
  const open = (await clients.matchAll({ type: 'window', includeUncontrolled: true })).find((c) =>
    c.url.startsWith(scope),
  );
  if (open) {
    open.postMessage({ type: 'navigate', url });
    await open.focus();
    return;
  }
  await clients.openWindow(url);
}

/** workbox-window's messageSkipWaiting() sends SKIP_WAITING. */
export type SwMessage = { type: 'SKIP_WAITING' } | { type: string };

/** Messages from pages; an unknown type is ignored, never an error. */
export function handleMessage(message: unknown, skipWaiting: () => Promise<void>): Promise<void> | undefined {
  const type = (message as { type?: unknown } | null)?.type;
  if (type === 'SKIP_WAITING') return skipWaiting();
  return undefined;
}
