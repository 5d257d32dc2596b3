// The `notify:` section of lifeline.yaml: quiet hours and the fallback channels.
import * as v from 'valibot';
import { id, nonEmpty, secret, secureUrl } from '../../config/fields.js';

export const CHANNEL_TYPES = ['ntfy', 'bark', 'telegram', 'feishu', 'dingtalk', 'wecom', 'webhook'] as const;

const ChannelSchema = v.strictObject({
  id,
  type: v.picklist(CHANNEL_TYPES),
  /** ntfy topic URL, Bark server URL with device key, bot/webhook URL. */
  url: secureUrl(),
  /** Bearer/access token (ntfy), bot token (Telegram). */
  token: v.optional(secret),
  /** Telegram chat id. */
  chat: v.optional(nonEmpty),
  /** Signing secret (Feishu, DingTalk). */
  secret: v.optional(secret),
  /**
   * Hand this channel to the relay too, for its "home offline" notices: the relay then holds its
   * token and URL and can send it anything. Off by default (docs/relay.md).
   */
  relay: v.optional(v.boolean(), false),
});
export type ChannelSettings = v.InferOutput<typeof ChannelSchema>;

const clock = v.pipe(
  v.string(),
  v.regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'a range such as 23:00-07:00'),
);

export const NotifySection = v.optional(
  v.strictObject({
    quietHours: v.optional(clock),
    /** Where notices also go when Web Push does not reach a phone. */
    channels: v.optional(v.array(ChannelSchema), []),
  }),
  {},
);
