// What a Web Push message carries once the service worker decrypts it. Built by the agent for its
// events (end-to-end encrypted to the subscription) and by the relay for its own notices.
import * as v from 'valibot';

export const PushPayload = v.object({
  v: v.literal(1),
  kind: v.pipe(v.string(), v.maxLength(64)),
  title: v.pipe(v.string(), v.maxLength(200)),
  body: v.pipe(v.string(), v.maxLength(1000)),
  /** Where a tap opens the app, a hash route such as `#/containers/nas/ddns`. */
  url: v.pipe(v.string(), v.maxLength(300)),
  /** Notifications with the same tag replace each other on the phone. */
  tag: v.pipe(v.string(), v.maxLength(100)),
  severity: v.picklist(['info', 'warning', 'critical']),
  at: v.number(),
  /** Who said it: the agent (end-to-end) or the relay (what it observed itself). */
  from: v.picklist(['agent', 'relay']),
  /** The agent numbers what it signs: the service worker shows each number once (no replays). */
  seq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  /** Prepared ahead for the relay to send when it sees home go dark or come back (`at` is when). */
  sealed: v.optional(v.boolean()),
});
export type PushPayload = v.InferOutput<typeof PushPayload>;

/** Push services accept about 4 KB of ciphertext; keep payloads well below. */
export const MAX_PUSH_PAYLOAD_BYTES = 3000;
