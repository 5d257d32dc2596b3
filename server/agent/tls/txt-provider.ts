// The DNS provider that writes the DNS-01 TXT: `tls.provider`, or (wired by the agent) the block of
// `network.ddns`; built by the same code as the DDNS providers.
import { cloudflareProvider } from '../../dns/cloudflare.js';
import { duckdnsProvider } from '../../dns/duckdns.js';
import type { HttpClient } from '../../dns/http-client.js';
import type { DdnsProvider } from '../../dns/provider.js';
import type { DnsProviderConfig } from '../../dns/provider-config.js';
import { rfc2136Provider } from '../../dns/rfc2136.js';

export function dnsProviderFor(cfg: DnsProviderConfig, name: string, http: HttpClient): DdnsProvider {
  return cfg.provider === 'cloudflare'
    ? cloudflareProvider(cfg, name, http)
    : cfg.provider === 'duckdns'
      ? duckdnsProvider(cfg, name, http)
      : rfc2136Provider(cfg, name);
}
