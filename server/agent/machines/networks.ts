// This machine's IPv4 networks, from os.networkInterfaces(): where directed broadcasts can go and
// which interface a host's address is on. A magic packet's broadcast never crosses a router.
import { isIPv4 } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';

export interface Ipv4Network {
  interface: string;
  address: string;
  prefix: number;
  /** The directed broadcast; null for /31 and /32 networks, which have none. */
  broadcast: string | null;
}

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

function prefixOf(netmask: string): number {
  let bits = 0;
  for (let n = ipToInt(netmask); n > 0; n = (n * 2) % 2 ** 32) bits++;
  return bits;
}

export function localNetworks(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): Ipv4Network[] {
  const out: Ipv4Network[] = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    for (const info of infos ?? []) {
      // Node 18.0–18.3 reported family as a number.
      if (info.internal || (info.family !== 'IPv4' && (info.family as unknown) !== 4)) continue;
      const prefix = info.cidr ? Number(info.cidr.split('/')[1]) : prefixOf(info.netmask);
      const size = 2 ** (32 - prefix);
      const base = Math.floor(ipToInt(info.address) / size) * size;
      out.push({
        interface: name,
        address: info.address,
        prefix,
        broadcast: prefix <= 30 ? intToIp(base + size - 1) : null,
      });
    }
  }
  return out;
}

export function contains(net: Ipv4Network, ip: string): boolean {
  if (!isIPv4(ip)) return false;
  const size = 2 ** (32 - net.prefix);
  return Math.floor(ipToInt(net.address) / size) === Math.floor(ipToInt(ip) / size);
}

export function networkOf(nets: readonly Ipv4Network[], ip: string): Ipv4Network | undefined {
  return nets.find((n) => contains(n, ip));
}

export function describeNetworks(nets: readonly Ipv4Network[]): string {
  if (nets.length === 0) return 'none';
  return nets.map((n) => `${n.address}/${n.prefix} on ${n.interface}`).join(', ');
}
