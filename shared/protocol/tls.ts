// The agent's own certificate for the phone's one origin (kind `tls`, id: the name): when it ends,
// when it renews, whether renewal keeps failing, and whether CAA pins DNS-01 to this agent's account.
import * as v from 'valibot';
import { action, NoArgs } from './action.js';

const Message = v.object({
  key: v.string(),
  params: v.record(v.string(), v.union([v.string(), v.number()])),
  text: v.string(),
});

export const TlsInfo = v.object({
  name: v.string(),
  status: v.picklist(['none', 'valid', 'renewing', 'retrying', 'expired']),
  issuer: v.optional(v.string()),
  notBefore: v.optional(v.number()),
  notAfter: v.optional(v.number()),
  serial: v.optional(v.string()),
  nextRenewalAt: v.optional(v.number()),
  /** Within 14 days of the end: renewals have been failing for a while. */
  expiresSoon: v.boolean(),
  failures: v.number(),
  lastError: v.optional(
    v.object({ code: v.string(), message: v.string(), key: v.optional(v.string()), at: v.number() }),
  ),
  lastRenewedAt: v.optional(v.number()),
  /** The ACME account (CAA `accounturi`). */
  accountUrl: v.optional(v.string()),
  /** Where phones on the LAN reach the agent's HTTPS (`https://name[:port]`). */
  origin: v.optional(v.string()),
  /** Whether the LAN listener is up, and why not. */
  listening: v.optional(v.boolean()),
  listenError: v.optional(v.string()),
  /** The last CAA check: `pinned` when only DNS-01 from this account may issue. */
  caa: v.optional(v.object({ status: v.string(), text: v.string() })),
  summary: Message,
});
export type TlsInfo = v.InferOutput<typeof TlsInfo>;

export const TLS_ENTITIES = { tls: TlsInfo };

/** Renews the certificate now (joins an attempt already running). */
export const TlsRenew = action({
  name: 'tls.renew',
  target: 'none',
  args: NoArgs,
  result: v.object({ status: v.string(), notAfter: v.optional(v.number()) }),
});
export const TLS_ACTIONS = [TlsRenew];
