// The key rate limits and seat caps count a connection's source by, on the agent and the relay.
import { isIP } from 'node:net';

/**
 * An IPv4 address, or the /64 of an IPv6 address (one subscriber usually holds a whole /64, so
 * counting single addresses would count nothing). "relay:" sources count by the client's address.
 */
export function sourceKey(source: string): string {
  let ip = source.startsWith('relay:') ? source.slice('relay:'.length) : source;
  if (ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4) ip = ip.slice(7);
  if (isIP(ip) !== 6) return ip;
  const [head = '', tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const full = ip.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${full
    .slice(0, 4)
    .map((h) => Number.parseInt(h || '0', 16).toString(16))
    .join(':')}::/64`;
}
