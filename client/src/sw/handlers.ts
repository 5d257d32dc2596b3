// What the service worker does, as plain functions the tests can call directly (STYLE 12).
// The worker file only wires events to these.
import * as v from 'valibot';
import { PushPayload } from '../../../shared/protocol/push.js';

export interface NotificationSpec {
  title: string;
  options: NotificationOptions & { renotify?: boolean; timestamp?: number };
}

const ICON = '/icons/icon-192.png';
const BADGE = '/icons/maskable-192.png';

/**
 * A push always shows a notification (browsers penalise silent pushes); an unreadable one shows a
 * generic notice rather than nothing.
 */
export function notificationForPush(data: string | null | undefined): NotificationSpec {
  let parsed: PushPayload | undefined;
  try {
    const r = v.safeParse(PushPayload, JSON.parse(data ?? ''));
    if (r.success) parsed = r.output;
  } catch {}
  if (!parsed)
    return {
      title: 'Lifeline',
      options: {
        body: 'Something happened at home. Open Lifeline to see it.',
        tag: 'lifeline-generic',
        icon: ICON,
        badge: BADGE,
        data: { url: '#/activity' },
      },
    };
  const critical = parsed.severity === 'critical';
  return {
    title: parsed.title,
    options: {
      body: parsed.body,
      // One notification per subject: a newer one about the same thing replaces the older.
      tag: parsed.tag,
      renotify: parsed.severity !== 'info',
      requireInteraction: critical,
      icon: ICON,
      badge: BADGE,
      timestamp: parsed.at,
      data: { url: parsed.url, kind: parsed.kind, from: parsed.from },
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
