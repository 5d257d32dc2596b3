// Settings of a relay, stand-alone (relay.yaml) or embedded under `lifeline start` (`relayServer:`).
import * as v from 'valibot';
import { isAddressOrCidr } from '../address-list.js';
import { addressOrCidr, nonEmpty } from './fields.js';

const homeId = v.pipe(
  v.string(),
  v.regex(/^[a-z2-7]{26}$/, 'a home id (26 characters, printed by `lifeline start`)'),
);
/** What fastify's trustProxy takes: addresses, CIDRs, or proxy-addr's names for whole ranges. */
const proxyEntry = v.pipe(
  v.string(),
  v.check(
    (s) => isAddressOrCidr(s) || ['loopback', 'linklocal', 'uniquelocal'].includes(s),
    'an IP address, a CIDR (e.g. 10.0.0.0/8), loopback, linklocal or uniquelocal',
  ),
);
const whole = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

/** Settings shared by the stand-alone and the embedded relay. */
export const RelaySettingsEntries = {
  /** Home ids this relay serves; agents of any other home are refused. */
  homes: v.optional(v.array(homeId), []),
  /** Proxies whose X-Forwarded-For is believed (addresses or CIDRs); nobody else's. */
  trustProxy: v.optional(v.array(proxyEntry), []),
  /** VAPID subject: a mailto: or https: contact the push services can reach. */
  vapidSubject: v.optional(
    v.pipe(v.string(), v.regex(/^(mailto:|https:\/\/)/, 'a mailto: or https:// contact')),
    'mailto:lifeline@localhost',
  ),
  /**
   * This relay's VAPID key pair, when it must be another relay's: a standby relay (an agent's
   * relay.standby) takes the primary's, since phones subscribe with one key. Default: generated once
   * and kept in the relay's data.
   */
  vapidKeys: v.optional(
    v.strictObject({
      publicKey: v.pipe(
        v.string(),
        v.regex(/^[A-Za-z0-9_-]{87}$/, 'a P-256 public key, base64url (87 characters)'),
      ),
      privateKey: v.pipe(
        v.string(),
        v.regex(/^[A-Za-z0-9_-]{43}$/, 'a P-256 private key, base64url (43 characters)'),
      ),
    }),
  ),
  offline: v.optional(
    v.strictObject({
      /** A home with no heartbeat for this long is offline. */
      afterSeconds: v.optional(whole(5, 300), 15),
      /** Push "home offline" only if it stays offline this long (rides out relay or agent restarts). */
      graceSeconds: v.optional(whole(0, 3600), 20),
      /** Allowance for the host to boot after a lifeline power-cycle. */
      bootSeconds: v.optional(whole(10, 3600), 180),
    }),
    {},
  ),
  /** Who may read /metrics besides loopback: addresses or CIDRs. */
  metrics: v.optional(v.strictObject({ allow: v.optional(v.array(addressOrCidr), []) }), {}),
  limits: v.optional(
    v.strictObject({
      /**
       * New connections per source (an IPv4 address, an IPv6 /64) per minute: an agent's, or a
       * phone's to one home (a flood against one home leaves the source's others alone).
       */
      connectsPerMinute: v.optional(whole(1, 10_000), 60),
      /** New phone connections per source per minute, all homes together. */
      sourceConnectsPerMinute: v.optional(whole(1, 100_000), 600),
      /** Sessions per home whose device has not authenticated yet; a full home drops a stranger's oldest. */
      sessionsPerHome: v.optional(whole(1, 10_000), 64),
      /** Unauthenticated sessions one source may hold per home once half of sessionsPerHome are opening. */
      pendingPerSource: v.optional(whole(1, 1000), 8),
      /** Phones' TLS connections passed through to one home at once. */
      pipesPerHome: v.optional(whole(1, 10_000), 128),
    }),
    {},
  ),
  /**
   * The TLS pass-through port (usually 443): phones' TLS for a home's name goes, unopened, to that
   * home's agent; any other name to `fallback`, the relay's own TLS (e.g. Caddy on 8443).
   */
  passthrough: v.optional(
    v.strictObject({
      host: v.optional(nonEmpty, '0.0.0.0'),
      port: v.optional(whole(0, 65535), 443),
      /** New connections one address (an IPv6 /64) may open per minute. */
      connectsPerMinute: v.optional(whole(1, 100_000), 600),
      fallback: v.optional(
        v.pipe(
          v.string(),
          v.regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/, 'host:port of the relay’s own TLS server'),
        ),
      ),
      /** Send the fallback a PROXY protocol v1 line, so it sees the client's address (Caddy: proxy_protocol). */
      proxyProtocol: v.optional(v.boolean(), false),
      /**
       * Load balancers in front of this port (addresses or CIDRs) that begin each connection with a
       * PROXY protocol header (HAProxy `send-proxy-v2`): their client's address is the connection's
       * source. They must send one; from anyone else a header is refused as not TLS.
       */
      proxyFrom: v.optional(v.array(addressOrCidr), []),
    }),
  ),
};
export const RelaySettingsSchema = v.strictObject(RelaySettingsEntries);
export type RelaySettings = v.InferOutput<typeof RelaySettingsSchema>;

/** The settings with every default: what an embedded relay runs with when `relayServer:` is absent. */
export const defaultRelaySettings = (): RelaySettings => v.parse(RelaySettingsSchema, {});
