// Reads the net section into what the watchers need: the names to watch (with the families each
// must match), the DDNS records and their providers, and the address sources.
import type { IpFamily } from '../../../shared/protocol/network.js';
import type { DdnsConfig, NetworkConfig } from './config.js';
import { DEFAULT_ECHO_ENDPOINTS } from './constants.js';
import type { EchoEndpoint } from './public-ip/echo-source.js';

export interface DdnsEntry {
  record: string;
  config: DdnsConfig;
  families: IpFamily[];
}

export interface NetPlan {
  /** False when nothing asks for network watching: no third party is contacted then. */
  enabled: boolean;
  names: { name: string; judged: IpFamily[] }[];
  ddns: DdnsEntry[];
  echo: EchoEndpoint[];
  router: { upnp: 'auto' | string | false; natpmp: 'auto' | string | false };
  relay: boolean;
  problems: string[];
}

const familiesOf = (v: DdnsConfig['ipVersion']): IpFamily[] =>
  v === 'both' ? ['ipv4', 'ipv6'] : v === 'ipv6' ? ['ipv6'] : ['ipv4'];

const norm = (name: string) => name.replace(/\.$/, '').toLowerCase();

export function planFrom(net: NetworkConfig): NetPlan {
  const problems: string[] = [];
  const names = net.names.map((n) =>
    typeof n === 'string' ? { name: norm(n) } : { name: norm(n.name), ddns: n.ddns },
  );
  const ddns: DdnsEntry[] = [];
  for (const n of names)
    if (n.ddns)
      ddns.push({
        record: norm(n.ddns.record ?? n.name),
        config: n.ddns,
        families: familiesOf(n.ddns.ipVersion),
      });
  if (net.ddns) {
    const record = net.ddns.record ?? names[0]?.name;
    if (!record)
      problems.push('network.ddns has no record, and network.names is empty: which name should it update?');
    else ddns.push({ record: norm(record), config: net.ddns, families: familiesOf(net.ddns.ipVersion) });
  }
  const seen = new Set<string>();
  for (const d of ddns) {
    if (seen.has(d.record)) problems.push(`two DDNS updaters for ${d.record}; the second is ignored`);
    seen.add(d.record);
  }
  const uniqueDdns = ddns.filter((d, i) => ddns.findIndex((x) => x.record === d.record) === i);
  const watched = new Map<string, Set<IpFamily>>();
  for (const n of names) watched.set(n.name, new Set());
  for (const d of uniqueDdns) {
    const set = watched.get(d.record) ?? new Set();
    for (const f of d.families) set.add(f);
    watched.set(d.record, set);
  }
  const pub = net.publicIp;
  const router = pub?.router ?? 'auto';
  return {
    enabled: names.length > 0 || uniqueDdns.length > 0 || pub !== undefined,
    names: [...watched].map(([name, fams]) => ({ name, judged: fams.size > 0 ? [...fams] : ['ipv4'] })),
    ddns: uniqueDdns,
    echo: (pub?.echo ?? [...DEFAULT_ECHO_ENDPOINTS]).map((e) =>
      typeof e === 'string'
        ? { url: e, family: 'both' }
        : { url: e.url, family: e.family, ...(e.ca ? { ca: e.ca } : {}) },
    ),
    router:
      router === false
        ? { upnp: false, natpmp: false }
        : router === 'auto'
          ? { upnp: 'auto', natpmp: 'auto' }
          : router,
    relay: pub?.relay ?? true,
    problems,
  };
}
