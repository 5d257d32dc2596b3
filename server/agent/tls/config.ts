// The `tls:` section (SPEC §3): the owner's name, the ACME CA, and where the DNS-01 TXT is written.
// Without its own `provider`, TLS uses the DNS provider of `network.ddns` (the lead wires that).
import * as v from 'valibot';
import { rule } from '../../config/fields.js';
import { checkDnsProvider, DnsProviderEntries } from '../../dns/provider-config.js';

export type { DnsProviderConfig } from '../../dns/provider-config.js';

export const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';

const hostname = v.pipe(
  v.string(),
  v.toLowerCase(),
  v.regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]\.?$/,
    'a DNS name with at least two labels, e.g. home.example.com',
  ),
);
const path = v.pipe(v.string(), v.minLength(1));
const loopback = ['127.0.0.1', 'localhost', '[::1]'];
/** https, or http on loopback (a local test CA or proxy). */
const serviceUrl = v.pipe(
  v.string(),
  v.url('a URL'),
  v.check((u) => {
    const url = new URL(u);
    return url.protocol === 'https:' || (url.protocol === 'http:' && loopback.includes(url.hostname));
  }, 'https (plain http only on loopback)'),
);
/** `system`, or a resolver's IP with an optional port: `1.1.1.1`, `127.0.0.1:5353`, `[::1]:53`. */
const resolver = v.pipe(
  v.string(),
  v.regex(
    /^(system|\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*|\[[0-9a-fA-F:.]+\]:\d{1,5})$/,
    'system, or a resolver IP with an optional port (1.1.1.1, 127.0.0.1:5353, [::1]:53)',
  ),
);

/** A DNS provider of the tls section: the same keys and rules as `network.ddns` (server/dns). */
const ProviderEntry = v.strictObject(DnsProviderEntries);
export const DnsProviderSchema = v.pipe(
  ProviderEntry,
  rule<v.InferOutput<typeof ProviderEntry>>(checkDnsProvider),
);

export const TlsSchema = v.strictObject({
  /** The owner's name the certificate is for (the phone's one origin). */
  name: hostname,
  /** The ACME directory; default Let's Encrypt production. */
  directory: v.optional(serviceUrl, LETS_ENCRYPT),
  /** Contact for the CA's expiry and policy mail (optional). */
  email: v.optional(v.pipe(v.string(), v.email('an e-mail address'))),
  /** PEM file of the root that signs the CA's own HTTPS endpoint (a test CA such as pebble). */
  caFile: v.optional(path),
  /** Where the DNS-01 TXT is written; default: the provider of `network.ddns`. */
  provider: v.optional(DnsProviderSchema),
  /** Renew this many days before expiry; default: at two thirds of the certificate's lifetime. */
  renewDays: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(365))),
  /** Resolver that finds the zone's name servers and reads CAA; default the system's. */
  resolver: v.optional(resolver, 'system'),
  /** Port the zone's name servers answer on (only a test setup changes it). */
  authoritativePort: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535)), 53),
  /** The CA's CAA issuer domain; default: the directory's `meta.caaIdentities`. */
  caaIdentity: v.optional(hostname),
  /**
   * Where the agent serves the app over HTTPS on the LAN. The port is part of the origin: phones
   * away reach the same origin through the relay's pass-through port, so both should be 443.
   */
  listen: v.optional(
    v.strictObject({
      host: v.optional(v.pipe(v.string(), v.minLength(1)), '0.0.0.0'),
      port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535)), 443),
    }),
    {},
  ),
});
export type TlsConfig = v.InferOutput<typeof TlsSchema>;

/** The `tls:` section: absent unless the owner gives a name. */
export const TlsSection = v.optional(TlsSchema);
