// Where a magic packet goes: the configured broadcast, else every IPv4 interface's directed
// broadcast, plus the host's own address (a sleeping NIC still accepts frames for its MAC when
// the router or this machine still has it in its ARP cache).
import { isIPv4 } from 'node:net';
import type { HostNotice, WakeTarget } from '../../../shared/protocol/vocabulary.js';
import { contains, describeNetworks, type Ipv4Network, networkOf } from './networks.js';

export type Target = Omit<WakeTarget, 'ports' | 'error'>;

export function planTargets(
  opts: { broadcast?: string | undefined; unicast: string | null },
  nets: readonly Ipv4Network[],
): Target[] {
  const targets: Target[] = [];
  if (opts.broadcast) {
    const net = nets.find((n) => n.broadcast === opts.broadcast) ?? networkOf(nets, opts.broadcast);
    targets.push({ address: opts.broadcast, kind: 'broadcast', interface: net?.interface ?? null });
  } else {
    const seen = new Set<string>();
    for (const n of nets) {
      if (!n.broadcast || seen.has(n.broadcast)) continue;
      seen.add(n.broadcast);
      targets.push({ address: n.broadcast, kind: 'broadcast', interface: n.interface });
    }
  }
  if (opts.unicast && isIPv4(opts.unicast) && !targets.some((t) => t.address === opts.unicast))
    targets.push({
      address: opts.unicast,
      kind: 'unicast',
      interface: networkOf(nets, opts.unicast)?.interface ?? null,
    });
  return targets;
}

/**
 * Why a broadcast may never reach the host: its address (or the configured broadcast) is on none of
 * this machine's networks — typical inside a Docker bridge network, or across a router.
 */
export function routeWarning(
  opts: { broadcast?: string | undefined; address: string | null },
  nets: readonly Ipv4Network[],
): HostNotice | undefined {
  const networks = describeNetworks(nets);
  if (opts.broadcast) {
    const net =
      opts.broadcast === '255.255.255.255'
        ? opts.address
          ? networkOf(nets, opts.address)
          : nets[0]
        : nets.find((n) => n.broadcast === opts.broadcast);
    if (net && (!opts.address || !isIPv4(opts.address) || contains(net, opts.address))) return undefined;
    return {
      code: 'no-broadcast-route',
      message: `the broadcast ${opts.broadcast} is not on any network of the agent's machine (${networks}); it arrives only if a router forwards directed broadcasts`,
      params: { broadcast: opts.broadcast, networks },
    };
  }
  if (!opts.address || !isIPv4(opts.address) || networkOf(nets, opts.address)) return undefined;
  return {
    code: 'no-broadcast-route',
    message: `${opts.address} is not on any network of the agent's machine (${networks}); broadcasts do not cross routers — in Docker, run the agent with host networking`,
    params: { address: opts.address, networks },
  };
}
