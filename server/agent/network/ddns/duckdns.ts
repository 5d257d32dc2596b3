// DuckDNS: one GET to /update with the token; `verbose=true` makes it echo the addresses it now holds,
// which is the read-back (DuckDNS has no other read API). The token rides in the query string, so
// URLs from here are never logged.

import { LifelineError } from '../../../../shared/protocol/errors.js';
import type { IpFamily } from '../../../../shared/protocol/network.js';
import type { DdnsConfig } from '../config.js';
import { REQUEST_TIMEOUT_MS } from '../constants.js';
import type { HttpClient } from '../http-client.js';
import type { DdnsProvider } from './provider.js';
import { readToken } from './secret-file.js';

const API = 'https://www.duckdns.org';

export function duckdnsProvider(cfg: DdnsConfig, record: string, http: HttpClient): DdnsProvider {
  const base = (cfg.apiUrl ?? API).replace(/\/$/, '');
  const sub = record.replace(/\.duckdns\.org\.?$/i, '');
  const echoed: Partial<Record<IpFamily, string>> = {};

  const call = async (params: Record<string, string>): Promise<string[]> => {
    const token = readToken(cfg.token, cfg.tokenFile, 'DuckDNS');
    const q = new URLSearchParams({ domains: sub, token, ...params, verbose: 'true' });
    const res = await http({ url: `${base}/update?${q}`, timeoutMs: REQUEST_TIMEOUT_MS });
    const lines = res.body
      .trim()
      .split('\n')
      .map((l) => l.trim());
    if (res.status !== 200) throw new LifelineError('failed', `DuckDNS answered HTTP ${res.status}`);
    if (lines[0] === 'KO')
      throw new LifelineError(
        'refused',
        `DuckDNS answered KO: wrong token, or ${sub} is not this account's domain`,
        {
          reason: 'KO',
        },
      );
    if (lines[0] !== 'OK') throw new LifelineError('failed', 'DuckDNS gave an unexpected reply');
    echoed.ipv4 = lines[1] || undefined;
    echoed.ipv6 = lines[2] || undefined;
    return lines;
  };

  /** DuckDNS holds one TXT per domain and serves it for every name under the domain. */
  const txtCall = async (name: string, params: Record<string, string>): Promise<void> => {
    const labels = name.toLowerCase().replace(/\.$/, '').split('.');
    const domain = labels.at(-2) === 'duckdns' && labels.at(-1) === 'org' ? labels.at(-3) : sub;
    const token = readToken(cfg.token, cfg.tokenFile, 'DuckDNS');
    const q = new URLSearchParams({ domains: domain ?? sub, token, ...params });
    const res = await http({ url: `${base}/update?${q}`, timeoutMs: REQUEST_TIMEOUT_MS });
    if (res.status !== 200) throw new LifelineError('failed', `DuckDNS answered HTTP ${res.status}`);
    const first = res.body.trim().split('\n')[0]?.trim();
    if (first === 'KO')
      throw new LifelineError(
        'refused',
        `DuckDNS answered KO: wrong token, or ${domain} is not this account's domain`,
        {
          reason: 'KO',
        },
      );
    if (first !== 'OK') throw new LifelineError('failed', 'DuckDNS gave an unexpected reply');
  };

  return {
    provider: 'duckdns',
    async current(family) {
      return echoed[family] ? [echoed[family]!] : undefined;
    },
    async update(family, address) {
      await call(family === 'ipv4' ? { ip: address } : { ipv6: address });
    },
    async verify(family, address) {
      return echoed[family] === undefined ? undefined : echoed[family] === address;
    },
    async setTxt(name, value) {
      await txtCall(name, { txt: value });
    },
    async removeTxt(name) {
      await txtCall(name, { txt: '', clear: 'true' });
    },
    async checkCredentials() {
      if (!echoed.ipv4 && !echoed.ipv6)
        return 'not checked: DuckDNS can only check a token by updating; it is checked on the first update';
      // Re-sending what the record already holds proves the token without changing anything.
      await call({
        ...(echoed.ipv4 ? { ip: echoed.ipv4 } : {}),
        ...(echoed.ipv6 ? { ipv6: echoed.ipv6 } : {}),
      });
      return 'token accepted';
    },
  };
}
