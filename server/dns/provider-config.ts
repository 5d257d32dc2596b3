// Which DNS provider writes a name's records, with its credentials: the keys a DDNS record
// (network.ddns) and the certificate's DNS-01 challenge (tls) share, and their rules.
import * as v from 'valibot';
import { address, hostname, httpUrl, nonEmpty, type Report, rule, secret } from '../config/fields.js';

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

export const DNS_PROVIDERS = ['cloudflare', 'duckdns', 'rfc2136'] as const;

const TsigKey = v.strictObject({
  name: nonEmpty,
  algorithm: v.optional(
    v.picklist(['hmac-sha256', 'hmac-sha512', 'hmac-sha384', 'hmac-sha224', 'hmac-sha1', 'hmac-md5']),
    'hmac-sha256',
  ),
  secret: v.optional(secret),
  secretFile: v.optional(nonEmpty),
});

export const DnsProviderEntries = {
  provider: v.picklist(DNS_PROVIDERS),
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
      TsigKey,
      rule<v.InferOutput<typeof TsigKey>>((k, report) => {
        if (Boolean(k.secret) === Boolean(k.secretFile)) report([], 'give either secret or secretFile');
      }),
    ),
  ),
  ttl: v.optional(v.pipe(v.number(), v.integer(), v.minValue(30), v.maxValue(86400)), 60),
  /** Another API base (a proxy; tests use a simulator). Plain http only on loopback. */
  apiUrl: v.optional(httpUrl()),
};

export const DnsProviderSchema = v.strictObject(DnsProviderEntries);
export type DnsProviderConfig = v.InferOutput<typeof DnsProviderSchema>;

/** What each provider needs, reported at the key concerned. */
export function checkDnsProvider(d: DnsProviderConfig, report: Report): void {
  if (d.provider === 'rfc2136') {
    if (!d.server)
      report(['server'], 'rfc2136 needs the primary server, e.g. ns1.example.com or 192.0.2.53:53');
    if (!d.key) report(['key'], 'rfc2136 needs a TSIG key: { name, algorithm, secret | secretFile }');
    if (d.token || d.tokenFile) report(['token'], 'rfc2136 authenticates with key, not token');
  } else {
    if (!d.token === !d.tokenFile) report(['token'], `${d.provider} needs either token or tokenFile`);
    if (d.key || d.server) report([d.key ? 'key' : 'server'], `${d.provider} takes a token, not key/server`);
  }
  if (d.apiUrl) {
    const u = new URL(d.apiUrl);
    if (u.protocol === 'http:' && !LOOPBACK.includes(u.hostname))
      report(['apiUrl'], 'plain http would send the token in clear; use https (http only on loopback)');
  }
}
