// The network capability's entity kinds: the public address per family, each watched DNS name and
// each built-in DDNS record. Secrets (tokens, TSIG keys) never appear in any of them.
import * as v from 'valibot';
import { action, NoArgs } from './action.js';

export const IpFamily = v.picklist(['ipv4', 'ipv6']);
export type IpFamily = v.InferOutput<typeof IpFamily>;

/** One source's latest view of the public address (an echo endpoint, the router, the relay). */
export const SourceReading = v.object({
  /** `echo:<host>`, `router:upnp`, `router:natpmp`, `relay`. */
  source: v.string(),
  address: v.optional(v.string()),
  /** Why there is no usable address (timeout, garbage reply, private router address …). */
  error: v.optional(v.string()),
  at: v.number(),
});
export type SourceReading = v.InferOutput<typeof SourceReading>;

export const IpChange = v.object({
  from: v.nullable(v.string()),
  to: v.string(),
  at: v.number(),
  /** The source that saw the new address first. */
  firstSource: v.string(),
});
export type IpChange = v.InferOutput<typeof IpChange>;

/** `public-ip` / `ipv4` | `ipv6`. */
export const PublicIp = v.object({
  family: IpFamily,
  /** The address most sources agree on; null while none answers. */
  address: v.nullable(v.string()),
  /** When `address` became the public address (first seen by any source). */
  since: v.nullable(v.number()),
  checkedAt: v.number(),
  agree: v.array(v.string()),
  disagree: v.array(v.object({ source: v.string(), address: v.string() })),
  sources: v.array(SourceReading),
  /** Newest first, bounded. */
  history: v.array(IpChange),
  /** Set when the router's WAN address is private or shared (CGNAT): names cannot reach home. */
  warning: v.optional(v.string()),
});
export type PublicIp = v.InferOutput<typeof PublicIp>;

export const DnsAnswer = v.object({ address: v.string(), ttl: v.number() });
export type DnsAnswer = v.InferOutput<typeof DnsAnswer>;

export const ResolverView = v.object({
  /** `system`, `1.1.1.1`, `127.0.0.1:5353`, `authoritative ns1.example.com (192.0.2.53)`. */
  resolver: v.string(),
  a: v.array(DnsAnswer),
  aaaa: v.array(DnsAnswer),
  /** `match` when the answers contain the public address, `unknown` when either side is missing. */
  status: v.picklist(['match', 'mismatch', 'unknown', 'error']),
  error: v.optional(v.string()),
  at: v.number(),
});
export type ResolverView = v.InferOutput<typeof ResolverView>;

/** `dns-name` / `<name>`. */
export const DnsName = v.object({
  name: v.string(),
  status: v.picklist(['match', 'mismatch', 'stale', 'unknown']),
  /** Set when answers cannot be judged (a Cloudflare-proxied record answers Cloudflare's addresses). */
  note: v.optional(v.string()),
  /** Since when the status has been what it is. */
  since: v.number(),
  /** When a mismatch becomes `stale` (longest TTL + grace), while it lasts. */
  staleAt: v.optional(v.number()),
  checkedAt: v.number(),
  resolvers: v.array(ResolverView),
});
export type DnsName = v.InferOutput<typeof DnsName>;

/** `ddns` / `<record>`. */
export const DdnsRecord = v.object({
  record: v.string(),
  provider: v.picklist(['cloudflare', 'duckdns', 'rfc2136']),
  status: v.picklist(['idle', 'in-sync', 'updating', 'retrying', 'waiting']),
  /** What the record should hold (the public address), per family managed. */
  desired: v.object({ ipv4: v.optional(v.string()), ipv6: v.optional(v.string()) }),
  lastAttempt: v.optional(
    v.object({
      at: v.number(),
      ok: v.boolean(),
      code: v.optional(v.string()),
      message: v.optional(v.string()),
      verified: v.optional(v.boolean()),
    }),
  ),
  lastSuccessAt: v.optional(v.number()),
  failures: v.number(),
  /** Cloudflare-proxied: resolvers answer Cloudflare's addresses, so names are not judged by them. */
  proxied: v.optional(v.boolean()),
  nextRetryAt: v.optional(v.number()),
});
export type DdnsRecord = v.InferOutput<typeof DdnsRecord>;

export const NETWORK_ENTITIES = {
  'network.public-ip': PublicIp,
  'network.name': DnsName,
  'network.ddns': DdnsRecord,
};

/** Re-asserts the public address on a DDNS record now (target: the record's name). */
export const NetworkDdnsUpdate = action({
  name: 'network.ddns-update',
  target: 'required',
  args: NoArgs,
  result: DdnsRecord,
  aliases: ['ddns.update'],
});
/** Asks for the public address and resolves every name now. */
export const NetworkRefresh = action({
  name: 'network.refresh',
  target: 'none',
  args: NoArgs,
  result: v.object({ ipv4: v.nullable(v.string()), ipv6: v.nullable(v.string()) }),
  aliases: ['net.refresh'],
});
export const NETWORK_ACTIONS = [NetworkDdnsUpdate, NetworkRefresh];
