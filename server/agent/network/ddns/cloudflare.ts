// Cloudflare API v4 with a scoped API token (Zone:Read + DNS:Edit): find the zone, find the record,
// PATCH its content (or create it), read it back. Errors quote Cloudflare's own code and message.

import { LifelineError } from '../../../../shared/protocol/errors.js';
import type { IpFamily } from '../../../../shared/protocol/network.js';
import type { DdnsConfig } from '../config.js';
import { REQUEST_TIMEOUT_MS } from '../constants.js';
import type { HttpClient } from '../http-client.js';
import type { DdnsProvider } from './provider.js';
import { readToken } from './secret-file.js';

const API = 'https://api.cloudflare.com/client/v4';

interface Envelope<T> {
  success: boolean;
  errors?: { code: number; message: string }[];
  result: T;
}

interface CfRecord {
  id: string;
  type: string;
  name: string;
  content: string;
  proxied?: boolean;
  ttl: number;
}

export function cloudflareProvider(cfg: DdnsConfig, record: string, http: HttpClient): DdnsProvider {
  const base = (cfg.apiUrl ?? API).replace(/\/$/, '');
  const zoneName = (cfg.zone ?? record.split('.').slice(-2).join('.')).replace(/\.$/, '');
  let zoneId: string | undefined;

  const call = async <T>(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> => {
    const token = readToken(cfg.token, cfg.tokenFile, 'Cloudflare');
    const res = await http({
      url: `${base}${path}`,
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    let env: Envelope<T>;
    try {
      env = JSON.parse(res.body) as Envelope<T>;
    } catch {
      throw new LifelineError('failed', `Cloudflare answered HTTP ${res.status} without JSON`);
    }
    if (!env || typeof env !== 'object' || env.success !== true) {
      const e = env?.errors?.[0];
      const detail = e ? `${e.message} (code ${e.code})` : `HTTP ${res.status}`;
      const auth = res.status === 401 || res.status === 403 || e?.code === 10000 || e?.code === 9109;
      throw new LifelineError(
        auth ? 'refused' : 'failed',
        auth ? `Cloudflare rejected the API token: ${detail}` : `Cloudflare: ${detail}`,
        { reason: e ? String(e.code) : String(res.status) },
      );
    }
    return env.result;
  };

  const zone = async (): Promise<string> => {
    if (zoneId) return zoneId;
    const zones = await call<{ id: string; name: string }[]>(
      'GET',
      `/zones?name=${encodeURIComponent(zoneName)}`,
    );
    const z = Array.isArray(zones) ? zones.find((x) => x.name === zoneName) : undefined;
    if (!z)
      throw new LifelineError(
        'not-found',
        `Cloudflare: no zone ${zoneName} visible to this token (set zone?)`,
      );
    zoneId = z.id;
    return zoneId;
  };

  let proxied = false;
  const records = async (family: IpFamily): Promise<CfRecord[]> => {
    const type = family === 'ipv4' ? 'A' : 'AAAA';
    const list = await call<CfRecord[]>(
      'GET',
      `/zones/${await zone()}/dns_records?type=${type}&name=${encodeURIComponent(record)}`,
    );
    const mine = Array.isArray(list) ? list.filter((r) => r.type === type && r.name === record) : [];
    proxied = mine.some((r) => r.proxied === true);
    return mine;
  };

  const txtRecords = async (name: string): Promise<CfRecord[]> => {
    const list = await call<CfRecord[]>(
      'GET',
      `/zones/${await zone()}/dns_records?type=TXT&name=${encodeURIComponent(name)}`,
    );
    return Array.isArray(list) ? list.filter((r) => r.type === 'TXT' && r.name === name) : [];
  };
  // Cloudflare keeps TXT content as written, quoted or not; compare the text inside.
  const unquote = (content: string) => content.replace(/^"(.*)"$/, '$1');

  return {
    provider: 'cloudflare',
    get proxied() {
      return proxied;
    },
    async current(family) {
      return (await records(family)).map((r) => r.content);
    },
    async update(family, address) {
      const existing = await records(family);
      const z = await zone();
      if (existing.length === 0) {
        await call('POST', `/zones/${z}/dns_records`, {
          type: family === 'ipv4' ? 'A' : 'AAAA',
          name: record,
          content: address,
          ttl: cfg.ttl,
          proxied: false,
        });
        return;
      }
      for (const r of existing) await call('PATCH', `/zones/${z}/dns_records/${r.id}`, { content: address });
    },
    async verify(family, address) {
      const now = await records(family);
      return now.length > 0 && now.every((r) => r.content === address);
    },
    async setTxt(name, value) {
      if ((await txtRecords(name)).some((r) => unquote(r.content) === value)) return;
      await call('POST', `/zones/${await zone()}/dns_records`, {
        type: 'TXT',
        name,
        content: value,
        ttl: cfg.ttl,
      });
    },
    async removeTxt(name, value) {
      const z = await zone();
      for (const r of await txtRecords(name))
        if (unquote(r.content) === value) await call('DELETE', `/zones/${z}/dns_records/${r.id}`);
    },
    async checkCredentials() {
      const v = await call<{ status: string }>('GET', '/user/tokens/verify');
      if (v?.status !== 'active')
        throw new LifelineError('refused', `Cloudflare: the API token is ${v?.status}`);
      await zone();
      return `API token active; zone ${zoneName} found`;
    },
  };
}
