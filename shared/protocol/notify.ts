// Web Push subscriptions (kind `notify.subscription`, id = the subscription id): which devices get
// notifications, in which language, for which capabilities; and the actions that manage them.
import * as v from 'valibot';
import { action, NoArgs } from './action.js';

export const PushSubscriptionView = v.object({
  deviceId: v.string(),
  lang: v.string(),
  kinds: v.nullable(v.array(v.string())),
  createdAt: v.number(),
});
export type PushSubscriptionView = v.InferOutput<typeof PushSubscriptionView>;

export const NOTIFY_ENTITIES = { 'notify.subscription': PushSubscriptionView };

const b64u = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+=*$/));
/** Event kind prefixes a subscription wants (a capability word such as `containers`); null: all. */
const Kinds = v.nullable(
  v.pipe(v.array(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9.-]*$/), v.maxLength(64))), v.maxLength(50)),
);

export const NotifySubscribe = action({
  name: 'notify.subscribe',
  target: 'none',
  args: v.strictObject({
    endpoint: v.pipe(v.string(), v.url(), v.startsWith('https://'), v.maxLength(1000)),
    p256dh: v.pipe(b64u, v.maxLength(100)),
    auth: v.pipe(b64u, v.maxLength(40)),
    lang: v.optional(v.picklist(['en', 'zh-Hans', 'zh-Hant']), 'en'),
    kinds: v.optional(Kinds, null),
  }),
  result: v.object({ id: v.string() }),
  secretArgs: ['p256dh', 'auth', 'endpoint'],
  aliases: ['push.subscribe'],
});
export const NotifyUnsubscribe = action({
  name: 'notify.unsubscribe',
  target: 'required',
  args: NoArgs,
  aliases: ['push.unsubscribe'],
});
export const NotifyPreferences = action({
  name: 'notify.preferences',
  target: 'required',
  args: v.strictObject({ kinds: Kinds }),
  aliases: ['push.preferences'],
});
/** Sends a test notification to this device's subscriptions. */
export const NotifyTest = action({
  name: 'notify.test',
  target: 'none',
  args: NoArgs,
  result: v.object({ queued: v.number() }),
  aliases: ['push.test'],
});
export const NOTIFY_ACTIONS = [NotifySubscribe, NotifyUnsubscribe, NotifyPreferences, NotifyTest];
