// The `network:` section of lifeline.yaml (`net:` is its earlier name): the names that must point
// at home, the resolvers that judge them, where the public address comes from, and built-in DDNS.
import * as v from 'valibot';
import { address, hostname, httpUrl, nonEmpty, rule, secret } from '../../config/fields.js';

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

/** `system`, `authoritative[:port]`, or a resolver address: `1.1.1.1`, `1.1.1.1:53`, `[2606:4700::1111]:53`. */
const resolverSpec = v.pipe(
  v.string(),
  v.regex(
    /^(system|authoritative(:\d{1,5})?|\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*|\[[0-9a-fA-F:.]+\]:\d{1,5})$/,
    'system, authoritative, or a resolver IP with an optional port (1.1.1.1, 127.0.0.1:5353, [::1]:53)',
  ),
);

const echoEndpoint = v.union(
  [
    httpUrl(),
    v.strictObject({
      url: httpUrl(),
      /** Ask over IPv4, IPv6 or both; the reply must be an address of that family. */
      family: v.optional(v.picklist(['ipv4', 'ipv6', 'both']), 'both'),
      /** PEM file of the CA that signs this endpoint's certificate (your own echo service). */
      ca: v.optional(nonEmpty),
    }),
  ],
  'a URL, or { url, family, ca }',
);

const routerSource = v.union(
  [
    v.literal(false),
    v.literal('auto'),
    v.strictObject({
      /** UPnP-IGD: `auto` (SSDP discovery), the device description URL, or false. */
      upnp: v.optional(v.union([v.literal('auto'), v.literal(false), httpUrl()]), 'auto'),
      /** NAT-PMP: `auto` (the default gateway), the gateway's address, or false. */
      natpmp: v.optional(
        v.union([
          v.literal('auto'),
          v.literal(false),
          v.pipe(v.string(), v.regex(/^\d{1,3}(\.\d{1,3}){3}$/)),
        ]),
        'auto',
      ),
    }),
  ],
  'false, auto, or { upnp, natpmp }',
);

export const DdnsSchema = v.pipe(
  v.strictObject({
    provider: v.picklist(['cloudflare', 'duckdns', 'rfc2136']),
    /** The name to keep pointed at home; default: the name it is given on, else the first of network.names. */
    record: v.optional(hostname),
    /** API token (Cloudflare, DuckDNS): write it as ${ENV_VAR}, or use tokenFile. */
    token: v.optional(secret),
    tokenFile: v.optional(nonEmpty),
    /** Cloudflare: zone name (default: the record's last two labels); RFC 2136: the zone to update. */
    zone: v.optional(hostname),
    /** RFC 2136: the primary server, host[:port]. */
    server: v.optional(address),
    /** RFC 2136: the TSIG key. */
    key: v.optional(
      v.pipe(
        v.strictObject({
          name: nonEmpty,
          algorithm: v.optional(
            v.picklist(['hmac-sha256', 'hmac-sha512', 'hmac-sha384', 'hmac-sha224', 'hmac-sha1', 'hmac-md5']),
            'hmac-sha256',
          ),
          secret: v.optional(secret),
          secretFile: v.optional(nonEmpty),
        }),
        rule((k, report) => {
          if (Boolean(k.secret) === Boolean(k.secretFile)) report([], 'give either secret or secretFile');
        }),
      ),
    ),
    /** Which records to keep: A (ipv4), AAAA (ipv6), or both. */
    ipVersion: v.optional(v.picklist(['ipv4', 'ipv6', 'both']), 'ipv4'),
    ttl: v.optional(v.pipe(v.number(), v.integer(), v.minValue(30), v.maxValue(86400)), 60),
    /** Another API base (a proxy; tests use a simulator). Plain http only on loopback. */
    apiUrl: v.optional(httpUrl()),
  }),
  rule((d, report) => {
    if (d.provider === 'rfc2136') {
      if (!d.server)
        report(['server'], 'rfc2136 needs the primary server, e.g. ns1.example.com or 192.0.2.53:53');
      if (!d.key) report(['key'], 'rfc2136 needs a TSIG key: { name, algorithm, secret | secretFile }');
      if (d.token || d.tokenFile) report(['token'], 'rfc2136 authenticates with key, not token');
    } else {
      if (!d.token === !d.tokenFile) report(['token'], `${d.provider} needs either token or tokenFile`);
      if (d.key || d.server)
        report([d.key ? 'key' : 'server'], `${d.provider} takes a token, not key/server`);
    }
    if (d.apiUrl) {
      const u = new URL(d.apiUrl);
      if (u.protocol === 'http:' && !LOOPBACK.includes(u.hostname))
        report(['apiUrl'], 'plain http would send the token in clear; use https (http only on loopback)');
    }
  }),
);
export type DdnsConfig = v.InferOutput<typeof DdnsSchema>;

export const NetworkSchema = v.strictObject({
  /** DNS names that must point at home; an entry may carry its own DDNS updater. */
  names: v.optional(
    v.array(
      v.union(
        [hostname, v.strictObject({ name: hostname, ddns: v.optional(DdnsSchema) })],
        'a name, or { name, ddns }',
      ),
    ),
    [],
  ),
  resolvers: v.optional(v.pipe(v.array(resolverSpec), v.minLength(1)), ['system']),
  publicIp: v.optional(
    v.strictObject({
      /** HTTP(S) endpoints that answer with the caller's address as text. Default: public services. */
      echo: v.optional(v.array(echoEndpoint)),
      router: v.optional(routerSource, 'auto'),
      /** Count the relay's view of this agent's connection as a source. */
      relay: v.optional(v.boolean(), true),
      intervalSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600))),
    }),
  ),
  /** How often names are resolved (default 60). */
  checkIntervalSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(3600))),
  /** A mismatch that outlives the longest TTL plus this becomes a `network.dns-stale` event (default 300). */
  staleGraceSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86400))),
  /** Built-in DDNS for one record (SPEC §3 form); more records: `ddns` on entries of `names`. */
  ddns: v.optional(DdnsSchema),
});
export type NetworkConfig = v.InferOutput<typeof NetworkSchema>;

export const NetworkSection = v.optional(NetworkSchema, {});
