// What kind of address a source reported: a usable public one, or one that cannot be home's address
// from outside (private, loopback, link-local, carrier-grade NAT). Garbage is not an address at all.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { IpFamily } from '../../shared/protocol/network.js';

// Separate lists per family: a BlockList also matches IPv4 addresses against IPv4-mapped IPv6 rules.
const NOT_PUBLIC_V4 = new BlockList();
const NOT_PUBLIC_V6 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const)
  NOT_PUBLIC_V4.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['::ffff:0:0', 96],
] as const)
  NOT_PUBLIC_V6.addSubnet(net, bits, 'ipv6');

const SHARED = new BlockList();
SHARED.addSubnet('100.64.0.0', 10, 'ipv4');

export type AddressKind = 'public' | 'private' | 'cgnat';

export function familyOf(text: string): IpFamily | undefined {
  if (isIPv4(text)) return 'ipv4';
  if (isIPv6(text)) return 'ipv6';
  return undefined;
}

export function classify(address: string): AddressKind {
  const family = familyOf(address);
  if (!family) return 'private';
  if (family === 'ipv4' && SHARED.check(address, 'ipv4')) return 'cgnat';
  const list = family === 'ipv4' ? NOT_PUBLIC_V4 : NOT_PUBLIC_V6;
  return list.check(address, family) ? 'private' : 'public';
}

/** One canonical text per address, so `2001:DB8::1` and `2001:db8:0::1` compare equal. */
export function canonical(address: string): string {
  if (!isIPv6(address)) return address;
  const sock = new URL(`http://[${address}]/`);
  return sock.hostname.slice(1, -1);
}

/**
 * Parses an echo reply: the whole body, trimmed, must be one address of the wanted family.
 * Anything else (an HTML error page, two addresses, a captive portal) is refused, not guessed at.
 */
export function parseEchoReply(body: string, family: IpFamily): { address: string } | { error: string } {
  const text = body.trim();
  if (text.length === 0) return { error: 'empty reply' };
  if (text.length > 64 || /\s/.test(text)) return { error: 'the reply is not a single address' };
  const got = familyOf(text);
  if (!got) return { error: 'the reply is not an IP address' };
  if (got !== family) return { error: `asked over ${family} but the reply is an ${got} address` };
  const kind = classify(text);
  if (kind !== 'public') return { error: `the reply ${text} is a ${kind} address` };
  return { address: canonical(text) };
}
