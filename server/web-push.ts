// web-push (RFC 8291 payload encryption, VAPID signatures) loads with the first push that needs it,
// not with every agent and relay: a home with no subscribed phone never loads it.
import type WebPush from 'web-push';

let loading: Promise<typeof WebPush> | undefined;

export function webPush(): Promise<typeof WebPush> {
  loading ??= import('web-push').then(
    (m) => (m as { default?: typeof WebPush }).default ?? (m as typeof WebPush),
  );
  return loading;
}
