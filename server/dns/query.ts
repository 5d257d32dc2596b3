// DNS lookups through one chosen server (or the system's), with TTLs: Node's own c-ares resolver,
// which takes explicit servers with ports. "No such record" is an empty answer, not an error.
import { Resolver } from 'node:dns/promises';
import { LifelineError } from '../../shared/protocol/errors.js';
import type { DnsAnswer } from '../../shared/protocol/network.js';
import { canonical } from './addresses.js';
import { REQUEST_TIMEOUT_MS } from './http-client.js';

const EMPTY = new Set(['ENODATA', 'ENOTFOUND', 'NOTFOUND', 'ENONAME']);

export interface DnsServer {
  /** What the user sees: `system`, `1.1.1.1`, `127.0.0.1:5353`. */
  label: string;
  /** host:port for c-ares, or undefined for the system's resolvers. */
  address?: string;
}

export interface DnsClient {
  a(name: string): Promise<DnsAnswer[]>;
  aaaa(name: string): Promise<DnsAnswer[]>;
  ns(name: string): Promise<string[]>;
  soa(name: string): Promise<boolean>;
  cancel(): void;
}

function explain(err: unknown, server: DnsServer, name: string): LifelineError {
  const code = (err as NodeJS.ErrnoException).code ?? 'failed';
  const why =
    code === 'ETIMEOUT'
      ? 'no answer (timeout)'
      : code === 'ECONNREFUSED'
        ? 'connection refused'
        : code === 'ESERVFAIL'
          ? 'server failure (SERVFAIL)'
          : code === 'EREFUSED'
            ? 'query refused'
            : code === 'ECANCELLED'
              ? 'cancelled'
              : code === 'EBADRESP' || code === 'EFORMERR'
                ? 'garbled reply'
                : code;
  return new LifelineError(
    code === 'ETIMEOUT' ? 'timeout' : 'unreachable',
    `${server.label}: ${name}: ${why}`,
  );
}

export function dnsClient(server: DnsServer): DnsClient {
  const resolver = new Resolver({ timeout: Math.round(REQUEST_TIMEOUT_MS / 2), tries: 2 });
  let invalid: string | undefined;
  try {
    if (server.address) resolver.setServers([server.address]);
  } catch {
    invalid = `${server.label}: not a resolver address (an IP, optionally with a port)`;
  }
  const run = async <T>(name: string, empty: T, fn: () => Promise<T>): Promise<T> => {
    if (invalid) throw new LifelineError('bad-args', invalid);
    try {
      return await fn();
    } catch (err) {
      if (EMPTY.has((err as NodeJS.ErrnoException).code ?? '')) return empty;
      throw explain(err, server, name);
    }
  };
  const sorted = (list: { address: string; ttl: number }[]) =>
    list
      .map((r) => ({ address: canonical(r.address), ttl: r.ttl }))
      .sort((x, y) => (x.address < y.address ? -1 : 1));
  return {
    a: (name) => run(name, [], async () => sorted(await resolver.resolve4(name, { ttl: true }))),
    aaaa: (name) => run(name, [], async () => sorted(await resolver.resolve6(name, { ttl: true }))),
    ns: (name) => run(name, [], () => resolver.resolveNs(name)),
    soa: (name) =>
      run(name, false, async () => {
        await resolver.resolveSoa(name);
        return true;
      }),
    cancel: () => resolver.cancel(),
  };
}

/** `1.1.1.1`, `1.1.1.1:5353`, `2606:4700::1111`, `[::1]:53` → the form c-ares takes. */
export function serverAddress(spec: string): string {
  if (spec.startsWith('[')) return spec;
  if (spec.includes(':') && spec.split(':').length > 2) return `[${spec}]:53`;
  return spec.includes(':') ? spec : `${spec}:53`;
}
