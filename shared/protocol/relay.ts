// The agent's link to the relay, and which devices receive push notifications.
import * as v from 'valibot';

export const RelayLinkInfo = v.object({
  connected: v.boolean(),
  url: v.string(),
  /** Since when the link is in its current state. */
  since: v.number(),
  /** The home's public address as the relay sees the agent's connection. */
  observedAddress: v.optional(v.string()),
  /** The relay's VAPID public key: what a browser subscribes with. */
  vapidPublicKey: v.optional(v.string()),
  lastError: v.optional(v.string()),
});
export type RelayLinkInfo = v.InferOutput<typeof RelayLinkInfo>;

export const PushSubscriptionView = v.object({
  deviceId: v.string(),
  lang: v.string(),
  kinds: v.nullable(v.array(v.string())),
  createdAt: v.number(),
});
export type PushSubscriptionView = v.InferOutput<typeof PushSubscriptionView>;

export const RELAY_ENTITIES = {
  relay: RelayLinkInfo,
  'push-subscription': PushSubscriptionView,
};
