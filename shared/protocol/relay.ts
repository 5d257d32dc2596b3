// The agent's link to the relay (kind `relay`, id `link`): connected or not, since when, what the relay sees.
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
  /** Names whose TLS the relay passes through to this agent. */
  names: v.optional(v.array(v.string())),
  lastError: v.optional(v.string()),
});
export type RelayLinkInfo = v.InferOutput<typeof RelayLinkInfo>;

export const RELAY_ENTITIES = { relay: RelayLinkInfo };
