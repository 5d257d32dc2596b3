// The DNS provider that writes the DNS-01 TXT: `tls.provider`, or (wired by the agent) the block of
// `network.ddns`; built by the same code as the DDNS providers.
import type { DdnsConfig } from '../../config/schema.js';
import { cloudflareProvider } from '../network/ddns/cloudflare.js';
import { duckdnsProvider } from '../network/ddns/duckdns.js';
import type { DdnsProvider } from '../network/ddns/provider.js';
import { rfc2136Provider } from '../network/ddns/rfc2136.js';
import type { HttpClient } from '../network/http-client.js';
import type { DnsProviderConfig } from './config.js';

export function dnsProviderFor(
  cfg: DnsProviderConfig | DdnsConfig,
  name: string,
  http: HttpClient,
): DdnsProvider {
  const ddns = { ipVersion: 'ipv4', ...cfg } as DdnsConfig;
  return cfg.provider === 'cloudflare'
    ? cloudflareProvider(ddns, name, http)
    : cfg.provider === 'duckdns'
      ? duckdnsProvider(ddns, name, http)
      : rfc2136Provider(ddns, name);
}
