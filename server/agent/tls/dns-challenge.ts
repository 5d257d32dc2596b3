// DNS-01 through the owner's DNS provider: write the TXT, wait until every authoritative server of
// the zone answers it (a CA that looks too early fails the order, and Let's Encrypt counts failed
// validations against the name), and remove it afterwards.
import { Resolver } from 'node:dns/promises';
import type { TxtWriter } from '../network/ddns/provider.js';
import type { DnsServer } from '../network/dns/query.js';
import { tlsError } from './messages.js';

export interface Dns01 {
  /** Writes the TXT and returns once the zone's authoritative servers answer it. */
  present(record: string, value: string): Promise<void>;
  /** Removes the TXT; never throws (a leftover TXT harms nothing), reports through `onLeftover`. */
  cleanup(record: string, value: string): Promise<void>;
}

export type TxtLookup = (server: DnsServer, name: string) => Promise<string[]>;

export interface Dns01Deps {
  txt: TxtWriter;
  /** The servers that must answer the TXT: the zone's authoritative servers. */
  servers(record: string): Promise<DnsServer[]>;
  lookup?: TxtLookup;
  /** Give up on one attempt after this long (the keeper retries later). */
  visibleWithinMs: number;
  pollMs: number;
  onLeftover?(record: string, reason: string): void;
}

const QUERY_TIMEOUT_MS = 2_000;

/** TXT values at one server; a missing name or record is an empty answer, anything else throws. */
export const lookupTxt: TxtLookup = async (server, name) => {
  const r = new Resolver({ timeout: QUERY_TIMEOUT_MS, tries: 1 });
  if (server.address) r.setServers([server.address]);
  try {
    return (await r.resolveTxt(name)).map((chunks) => chunks.join(''));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENODATA' || code === 'ENOTFOUND') return [];
    throw err;
  }
};

const reasonOf = (err: unknown) =>
  err instanceof Error ? err.message : typeof err === 'string' ? err : 'unknown error';

export function dns01(deps: Dns01Deps): Dns01 {
  const lookup = deps.lookup ?? lookupTxt;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const cleanup = async (record: string, value: string) => {
    try {
      await deps.txt.removeTxt(record, value);
    } catch (err) {
      deps.onLeftover?.(record, reasonOf(err));
    }
  };

  return {
    cleanup,
    async present(record, value) {
      let servers: DnsServer[];
      try {
        servers = await deps.servers(record);
      } catch (err) {
        throw tlsError('unreachable', 'tls.dns-unreachable', { name: record, reason: reasonOf(err) });
      }
      try {
        await deps.txt.setTxt(record, value);
      } catch (err) {
        // The provider's own error (wrong token, BADSIG …) is the cause the owner must see.
        throw tlsError(errorCode(err), 'tls.txt-write-failed', { record, reason: reasonOf(err) });
      }
      const deadline = Date.now() + deps.visibleWithinMs;
      let waiting = servers;
      for (;;) {
        const answers = await Promise.all(
          waiting.map((s) =>
            lookup(s, record).then(
              (values) => values.includes(value),
              () => false,
            ),
          ),
        );
        waiting = waiting.filter((_, i) => !answers[i]);
        if (waiting.length === 0) return;
        if (Date.now() >= deadline) {
          await cleanup(record, value);
          throw tlsError('timeout', 'tls.txt-not-visible', {
            record,
            servers: waiting.map((s) => s.label).join(', '),
            seconds: Math.round(deps.visibleWithinMs / 1000),
          });
        }
        await sleep(deps.pollMs);
      }
    },
  };
}

function errorCode(err: unknown) {
  const code = (err as { code?: unknown }).code;
  return code === 'refused' || code === 'unreachable' || code === 'timeout' || code === 'not-found'
    ? code
    : 'failed';
}
