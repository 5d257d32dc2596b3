// Turns a host's configured address into an IP. Names go through the system resolver with a
// deadline; on the worst day DNS may be down, so the caller keeps the last good answer.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

export type Resolve = (name: string) => Promise<string>;

export function createResolver(timeoutMs = 3000): Resolve {
  return async (name) => {
    if (isIP(name)) return name;
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
      });
      // IPv4 first: it is what broadcasts and the ARP table speak.
      const found = await Promise.race([lookup(name, { family: 4 }).catch(() => lookup(name)), deadline]);
      return found.address;
    } finally {
      clearTimeout(timer);
    }
  };
}
