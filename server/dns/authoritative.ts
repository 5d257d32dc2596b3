// Finds a name's authoritative servers: walk up from the name until a label has NS records, then
// resolve those servers' addresses — all through the lookup resolver (the first configured one).
import { LifelineError } from '../../shared/protocol/errors.js';
import type { DnsClient, DnsServer } from './query.js';

const CACHE_MS = 3_600_000;
const MAX_SERVERS = 4;

export interface AuthoritativeFinder {
  servers(name: string): Promise<DnsServer[]>;
  forget(name: string): void;
}

export function authoritativeFinder(lookup: DnsClient, port: number, now: () => number): AuthoritativeFinder {
  const cache = new Map<string, { at: number; servers: DnsServer[] }>();
  return {
    async servers(name) {
      const hit = cache.get(name);
      if (hit && now() - hit.at < CACHE_MS) return hit.servers;
      const labels = name.replace(/\.$/, '').split('.');
      for (let i = 0; i < labels.length - 1; i++) {
        const zone = labels.slice(i).join('.');
        const hosts = (await lookup.ns(zone)).sort().slice(0, MAX_SERVERS);
        if (hosts.length === 0) continue;
        const servers: DnsServer[] = [];
        for (const host of hosts) {
          const v4 = await lookup.a(host).catch(() => []);
          const v6 = v4.length > 0 ? [] : await lookup.aaaa(host).catch(() => []);
          const ip = v4[0]?.address ?? v6[0]?.address;
          if (!ip) continue;
          const address = ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
          servers.push({ label: `authoritative ${host} (${ip})`, address });
        }
        if (servers.length === 0)
          throw new LifelineError(
            'unreachable',
            `the name servers of ${zone} (${hosts.join(', ')}) have no address`,
          );
        cache.set(name, { at: now(), servers });
        return servers;
      }
      throw new LifelineError('not-found', `no zone above ${name} has name servers`);
    },
    forget(name) {
      cache.delete(name);
    },
  };
}
