// The one owner of this device's Web Push subscription: subscribes through the browser's push
// service with the relay's VAPID key, registers the subscription with the agent over the
// end-to-end session, and keeps the chosen event groups.
import { computed, signal } from '@preact/signals';
import { fromBase64Url, toBase64Url } from '../../shared/bytes.js';
import {
  NotifyPreferences,
  NotifySubscribe,
  NotifyTest,
  NotifyUnsubscribe,
} from '../../shared/protocol/notify.js';
import { runAction } from './actions.js';
import { entity, listEntities, pairing } from './connection.js';
import { store } from './db.js';
import { lang } from './i18n/index.js';
import { swRegistration } from './sw-register.js';

/**
 * Event groups a device can choose; each maps to event kind prefixes (capability words) the agent
 * filters on. A device added or removed is not a choice: every other device is always told.
 */
export const PUSH_GROUPS = {
  containers: ['containers'],
  machines: ['machines'],
  power: ['power', 'lifeline'],
  network: ['network'],
  home: ['agent'],
} as const;
export type PushGroup = keyof typeof PUSH_GROUPS;
export const ALL_GROUPS = Object.keys(PUSH_GROUPS) as PushGroup[];

export type PushSupport = 'supported' | 'unsupported' | 'ios-install-first' | 'insecure';

export function pushSupport(): PushSupport {
  if (!window.isSecureContext) return 'insecure';
  const ios = /iPhone|iPad|iPod/.test(navigator.userAgent);
  const standalone =
    matchMedia('(display-mode: standalone)').matches ||
    (navigator as { standalone?: boolean }).standalone === true;
  if (ios && !standalone) return 'ios-install-first';
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window))
    return 'unsupported';
  return 'supported';
}

interface Saved {
  id: string;
}

export const mySubscriptionId = signal<string | null>(null);
export const mySubscription = computed(() => {
  const id = mySubscriptionId.value;
  const mine = id ? listEntities('notify.subscription').find((s) => s.id === id) : undefined;
  return mine && mine.data.deviceId === pairing.value?.deviceId ? mine : undefined;
});

export async function loadPushState(): Promise<void> {
  mySubscriptionId.value = (await store.get<Saved>('push'))?.id ?? null;
}

export function groupsOf(kinds: string[] | null): PushGroup[] {
  if (!kinds) return ALL_GROUPS;
  return ALL_GROUPS.filter((g) => PUSH_GROUPS[g].every((k) => kinds.includes(k)));
}

function kindsOf(groups: PushGroup[]): string[] | null {
  if (groups.length === ALL_GROUPS.length) return null;
  return groups.flatMap((g) => [...PUSH_GROUPS[g]]);
}

export type PushResult =
  | { ok: true }
  | { ok: false; reason: 'denied' | 'no-relay' | 'failed'; message?: string };

/** Must run from a tap: browsers only ask for permission in a user gesture. */
export async function enablePush(groups: PushGroup[]): Promise<PushResult> {
  const vapid = entity('relay', 'link')?.vapidPublicKey;
  if (!vapid) return { ok: false, reason: 'no-relay' };
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return { ok: false, reason: 'denied' };
  try {
    const reg = await swRegistration();
    if (!reg) return { ok: false, reason: 'failed', message: 'no service worker' };
    const existing = await reg.pushManager.getSubscription();
    const sub =
      existing ??
      (await reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: fromBase64Url(vapid).slice().buffer,
      }));
    const json = sub.toJSON() as { endpoint: string; keys?: { p256dh?: string; auth?: string } };
    const p256dh =
      json.keys?.p256dh ?? toBase64Url(new Uint8Array(sub.getKey('p256dh') ?? new ArrayBuffer(0)));
    const auth = json.keys?.auth ?? toBase64Url(new Uint8Array(sub.getKey('auth') ?? new ArrayBuffer(0)));
    const r = await runAction(NotifySubscribe, {
      args: { endpoint: json.endpoint, p256dh, auth, lang: lang.value, kinds: kindsOf(groups) },
    });
    if (r.status !== 'ok')
      return { ok: false, reason: 'failed', message: r.status === 'error' ? r.error.message : '' };
    const { id } = r.data;
    await store.set('push', { id } satisfies Saved);
    mySubscriptionId.value = id;
    return { ok: true };
  } catch (err) {
    return { ok: false, reason: 'failed', message: (err as Error).message };
  }
}

export async function savePushGroups(groups: PushGroup[]): Promise<PushResult> {
  const id = mySubscriptionId.value;
  if (!id) return { ok: false, reason: 'failed' };
  const r = await runAction(NotifyPreferences, { target: id, args: { kinds: kindsOf(groups) } });
  return r.status === 'ok'
    ? { ok: true }
    : { ok: false, reason: 'failed', message: r.status === 'error' ? r.error.message : '' };
}

export async function disablePush(): Promise<PushResult> {
  const id = mySubscriptionId.value;
  if (id) await runAction(NotifyUnsubscribe, { target: id });
  const reg = await swRegistration();
  await (await reg?.pushManager.getSubscription())?.unsubscribe();
  await store.set('push', null);
  mySubscriptionId.value = null;
  return { ok: true };
}

export async function testPush(): Promise<PushResult> {
  const r = await runAction(NotifyTest, {});
  return r.status === 'ok'
    ? { ok: true }
    : { ok: false, reason: 'failed', message: r.status === 'error' ? r.error.message : '' };
}
