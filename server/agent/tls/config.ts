// The `tls:` section (SPEC §3): the owner's name, the ACME CA, and where the DNS-01 TXT is written.
// Without its own `provider`, TLS uses the DNS provider of `network.ddns` (the lead wires that).
import * as v from 'valibot';

export const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';

const hostname = v.pipe(
  v.string(),
  v.toLowerCase(),
  v.regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]\.?$/,
    'a DNS name with at least two labels, e.g. home.example.com',
  ),
);
const secret = v.pipe(v.string(), v.minLength(1));
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

/**
 * A DNS provider's credentials, the same keys as `network.ddns` minus what only address records
 * need. Meant to be shared with the DDNS schema once that moves to valibot.
 */
export const DnsProviderEntries = {
  provider: v.picklist(['cloudflare', 'duckdns', 'rfc2136']),
  token: v.optional(secret),
  tokenFile: v.optional(path),
  zone: v.optional(hostname),
  server: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(260))),
  key: v.optional(
    v.pipe(
      v.strictObject({
        name: v.pipe(v.string(), v.minLength(1)),
        algorithm: v.optional(
          v.picklist(['hmac-sha256', 'hmac-sha512', 'hmac-sha384', 'hmac-sha224', 'hmac-sha1', 'hmac-md5']),
          'hmac-sha256',
        ),
        secret: v.optional(secret),
        secretFile: v.optional(path),
      }),
      v.check((k) => Boolean(k.secret) !== Boolean(k.secretFile), 'give either secret or secretFile'),
    ),
  ),
  ttl: v.optional(v.pipe(v.number(), v.integer(), v.minValue(30), v.maxValue(86400)), 60),
  apiUrl: v.optional(serviceUrl),
};

export const DnsProviderSchema = v.pipe(
  v.strictObject(DnsProviderEntries),
  v.forward(
    v.check(
      (d) => d.provider !== 'rfc2136' || Boolean(d.server),
      'rfc2136 needs the primary server, e.g. ns1.example.com or 192.0.2.53:53',
    ),
    ['server'],
  ),
  v.forward(
    v.check(
      (d) => d.provider !== 'rfc2136' || Boolean(d.key),
      'rfc2136 needs a TSIG key: { name, algorithm, secret | secretFile }',
    ),
    ['key'],
  ),
  v.forward(
    v.check(
      (d) => d.provider === 'rfc2136' || !d.token !== !d.tokenFile,
      'cloudflare and duckdns need either token or tokenFile',
    ),
    ['token'],
  ),
);
export type DnsProviderConfig = v.InferOutput<typeof DnsProviderSchema>;

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
});
export type TlsConfig = v.InferOutput<typeof TlsSchema>;
