// Which events become notifications, how urgent they are, where a tap leads, and when quiet hours
// hold them back. Offline and lifeline notices are never held (SPEC §3 notify.quietHours).
import { createHash } from 'node:crypto';
import { langOf } from '../../../shared/messages/define.js';
import { knows, say } from '../../../shared/messages/say.js';
import type { EventRecord } from '../../../shared/protocol/frames.js';
import type { PushPayload } from '../../../shared/protocol/push.js';
import { fallbackTitle, NOTABLE_INFO } from './titles.js';

export interface Delivery {
  payload: PushPayload;
  urgency: 'low' | 'normal' | 'high';
  ttl: number;
  topic: string;
  /** Never held back by quiet hours. */
  urgent: boolean;
}

/**
 * A device added or removed is told to every other device at once, whatever its kinds filter or
 * quiet hours: it is how the owner learns that someone with an unlocked phone added a device.
 */
export const DEVICE_CHANGES: ReadonlySet<string> = new Set(['devices.paired', 'devices.revoked']);

/** The device that made the change (it needs no notice of its own act). */
export function actorOf(event: EventRecord): string | undefined {
  const by = event.data?.by;
  return DEVICE_CHANGES.has(event.kind) && typeof by === 'string' ? by : undefined;
}

export function notifies(event: EventRecord): boolean {
  return event.severity !== 'info' || NOTABLE_INFO.has(event.kind);
}

/** The screen a tap opens, with the item selected so its fix is one tap away. */
export function deepLink(event: EventRecord): string {
  const [area] = event.kind.split('.');
  const subject = event.subject ? `/${encodeURIComponent(event.subject)}` : '';
  switch (area) {
    case 'containers':
    case 'machines':
    case 'power':
      return `#/${area}${subject}`;
    case 'lifeline':
      return `#/power${subject}`;
    case 'network':
    case 'agent':
    case 'host':
    case 'ups':
      return '#/home';
    case 'devices':
      return '#/settings';
    default:
      return '#/activity';
  }
}

/** Push topics coalesce undelivered messages about the same thing: [A-Za-z0-9_-]{1,32}. */
export function topicFor(kind: string, subject: string | undefined): string {
  return createHash('sha256')
    .update(`${kind}\0${subject ?? ''}`)
    .digest('base64url')
    .slice(0, 24);
}

export function deliveryFor(event: EventRecord, homeName: string, lang: string): Delivery {
  const urgent =
    event.kind.startsWith('lifeline.') ||
    event.kind.startsWith('home.') ||
    event.severity === 'critical' ||
    DEVICE_CHANGES.has(event.kind);
  // Worded in the subscriber's language, from the same catalogues the app uses.
  const l = langOf(lang);
  const text = event.msg && knows(event.msg.key) ? say(event.msg, l) : event.message;
  const body = text.length > 600 ? `${text.slice(0, 597)}...` : text;
  const title = knows(`event.${event.kind}`) ? say({ key: `event.${event.kind}` }, l) : fallbackTitle(l);
  return {
    payload: {
      v: 1,
      kind: event.kind,
      title: `${homeName}: ${title}`,
      body,
      url: deepLink(event),
      tag: `${event.kind}:${event.subject ?? ''}`.slice(0, 100),
      severity: event.severity,
      at: event.at,
      from: 'agent',
    },
    urgency: event.severity === 'info' ? 'normal' : 'high',
    ttl: event.severity === 'critical' ? 24 * 3600 : event.severity === 'warning' ? 12 * 3600 : 3600,
    topic: topicFor(event.kind, event.subject),
    urgent,
  };
}

/** "23:00-07:00" → the end of the quiet period containing `now`, or null when not quiet. */
export function quietUntil(range: string | undefined, now: number): number | null {
  if (!range) return null;
  const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(range);
  if (!m) return null;
  const [from, to] = [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])];
  if (from === to) return null;
  const d = new Date(now);
  const minute = d.getHours() * 60 + d.getMinutes();
  const inside = from < to ? minute >= from && minute < to : minute >= from || minute < to;
  if (!inside) return null;
  const end = new Date(now);
  end.setHours(Math.floor(to / 60), to % 60, 0, 0);
  if (end.getTime() <= now) end.setDate(end.getDate() + 1);
  return end.getTime();
}

export function wants(kinds: string[] | null, event: EventRecord): boolean {
  if (!kinds || DEVICE_CHANGES.has(event.kind)) return true;
  return kinds.some((k) => event.kind === k || event.kind.startsWith(`${k}.`));
}
