// A list of addresses and CIDRs from the settings (metrics.allow, passthrough.proxyFrom), and the
// check whether a connection's address is on it. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, how a
// dual-stack socket reports an IPv4 peer) count as their IPv4 address.
import { BlockList, isIP, isIPv4, isIPv6 } from 'node:net';

/** Whether `entry` is an address or a CIDR (`10.0.0.0/8`, `fd00::/8`). */
export function isAddressOrCidr(entry: string): boolean {
  const [addr = '', bits, more] = entry.split('/');
  const family = isIP(addr);
  if (family === 0 || more !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/** The check for `entries`; entries that are neither an address nor a CIDR match nothing. */
export function addressList(entries: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    if (!isAddressOrCidr(entry)) continue;
    const [addr = '', bits] = entry.split('/');
    const type = isIPv6(addr) ? 'ipv6' : 'ipv4';
    if (bits !== undefined) list.addSubnet(addr, Number(bits), type);
    else list.addAddress(addr, type);
  }
  return (ip) => {
    const plain = plainAddress(ip);
    if (!isIP(plain)) return false;
    return list.check(plain, isIPv6(plain) ? 'ipv6' : 'ipv4');
  };
}

/** An IPv4-mapped IPv6 address as its IPv4 address; any other as it is. */
export function plainAddress(ip: string): string {
  return ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}
