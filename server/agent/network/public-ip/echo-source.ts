// An HTTP(S) echo endpoint (ipify, icanhazip, or your own): GET it over the wanted family and take
// the body as the address. A reply that is not exactly one public address is an error, not a guess.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LifelineError } from '../../../../shared/protocol/errors.js';
import type { IpFamily } from '../../../../shared/protocol/network.js';
import { parseEchoReply } from '../../../dns/addresses.js';
import type { HttpClient } from '../../../dns/http-client.js';
import { REQUEST_TIMEOUT_MS } from '../constants.js';
import type { AddressSource } from './sources.js';

export interface EchoEndpoint {
  url: string;
  family: 'ipv4' | 'ipv6' | 'both';
  /** Path of a PEM CA file, read at each request so a renewed CA needs no restart. */
  ca?: string;
}

export function echoSource(endpoint: EchoEndpoint, http: HttpClient): AddressSource {
  const url = new URL(endpoint.url);
  const families: IpFamily[] = endpoint.family === 'both' ? ['ipv4', 'ipv6'] : [endpoint.family];
  return {
    id: `echo:${url.host}${url.pathname === '/' ? '' : url.pathname}`,
    families,
    async read(family, signal) {
      let ca: string | undefined;
      if (endpoint.ca) {
        try {
          ca = readFileSync(path.resolve(endpoint.ca), 'utf8');
        } catch {
          throw new LifelineError('failed', `cannot read the CA file ${endpoint.ca}`);
        }
      }
      const res = await http({
        url: endpoint.url,
        family: family === 'ipv4' ? 4 : 6,
        timeoutMs: REQUEST_TIMEOUT_MS,
        signal,
        headers: { accept: 'text/plain' },
        ...(ca ? { ca } : {}),
      });
      if (res.status !== 200) throw new LifelineError('failed', `HTTP ${res.status}`);
      const parsed = parseEchoReply(res.body, family);
      if ('error' in parsed) throw new LifelineError('failed', parsed.error);
      return parsed.address;
    },
  };
}
