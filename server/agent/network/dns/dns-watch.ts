// Resolves every watched name through every configured resolver (A and AAAA, with TTLs) and compares
// the answers with the public address. A mismatch that outlives the longest TTL plus the grace period
// is `stale`, announced once as `network.dns-stale`; one resolver failing never hides the others.

import { msg } from '../../../../shared/messages/say.js';
import { LifelineError } from '../../../../shared/protocol/errors.js';
import type { DnsName, IpFamily, ResolverView } from '../../../../shared/protocol/network.js';
import { type AuthoritativeFinder, authoritativeFinder } from '../../../dns/authoritative.js';
import { type DnsClient, type DnsServer, dnsClient, serverAddress } from '../../../dns/query.js';
import type { AgentContext } from '../../capability.js';
import { DEGRADED_RETRY_MS, MAX_TTL_CONSIDERED_S } from '../constants.js';
import { Rounds } from '../rounds.js';
import type { NetTimings } from '../timings.js';

export interface WatchedName {
  name: string;
  /** Families whose records must hold the public address; others are shown, not judged. */
  judged: readonly IpFamily[];
}

interface Episode {
  status: DnsName['status'];
  since: number;
  staleAnnounced: boolean;
}

type ResolverSpec = { kind: 'fixed'; server: DnsServer } | { kind: 'authoritative'; port: number };

export function parseResolvers(specs: readonly string[]): ResolverSpec[] {
  return specs.map((spec) => {
    if (spec === 'system') return { kind: 'fixed', server: { label: 'system' } };
    const auth = /^authoritative(?::(\d+))?$/.exec(spec);
    if (auth) return { kind: 'authoritative', port: auth[1] ? Number(auth[1]) : 53 };
    return { kind: 'fixed', server: { label: spec, address: serverAddress(spec) } };
  });
}

export class DnsWatch {
  private readonly specs: ResolverSpec[];
  private readonly clients = new Map<string, DnsClient>();
  private readonly finder: AuthoritativeFinder | undefined;
  private readonly episodes = new Map<string, Episode>();
  private readonly views = new Map<string, DnsName>();
  private readonly rounds = new Rounds(
    () => Promise.all(this.names.map((n) => this.checkName(n))).then(() => {}),
    () => {
      const failing = [...this.views.values()].some((v) => v.resolvers.some((r) => r.status === 'error'));
      return failing ? Math.min(this.timings.dnsCheckMs, DEGRADED_RETRY_MS) : this.timings.dnsCheckMs;
    },
    (err) => this.ctx.log.error(`DNS check failed: ${(err as Error).message}`),
  );

  constructor(
    private readonly ctx: AgentContext,
    private readonly names: readonly WatchedName[],
    resolvers: readonly string[],
    private readonly publicAddress: (family: IpFamily) => string | null,
    private readonly timings: NetTimings,
    private readonly proxied: (name: string) => boolean = () => false,
  ) {
    this.specs = parseResolvers(resolvers);
    const auth = this.specs.find((s) => s.kind === 'authoritative');
    if (auth?.kind === 'authoritative') {
      // Name servers are found through the first resolver that is not itself "authoritative".
      const first = this.specs.find((s) => s.kind === 'fixed');
      const lookup = this.client(first?.kind === 'fixed' ? first.server : { label: 'system' });
      this.finder = authoritativeFinder(lookup, auth.port, () => ctx.clock.now());
    }
  }

  private client(server: DnsServer): DnsClient {
    const key = server.address ?? 'system';
    let c = this.clients.get(key);
    if (!c) {
      c = dnsClient(server);
      this.clients.set(key, c);
    }
    return c;
  }

  start(): void {
    void this.check();
  }

  view(name: string): DnsName | undefined {
    return this.views.get(name);
  }

  check(): Promise<void> {
    return this.rounds.run();
  }

  /** Resolves one name through every resolver now (used by `lifeline check` and after an update). */
  async resolve(watched: WatchedName): Promise<ResolverView[]> {
    const servers: { server?: DnsServer; error?: string; label: string }[] = [];
    for (const spec of this.specs) {
      if (spec.kind === 'fixed') servers.push({ server: spec.server, label: spec.server.label });
      else
        try {
          for (const s of await this.finder!.servers(watched.name))
            servers.push({ server: s, label: s.label });
        } catch (err) {
          servers.push({
            label: 'authoritative',
            error: err instanceof LifelineError ? err.message : 'lookup failed',
          });
        }
    }
    return Promise.all(
      servers.map(async ({ server, error, label }): Promise<ResolverView> => {
        const at = this.ctx.clock.now();
        if (!server)
          return { resolver: label, a: [], aaaa: [], status: 'error', error: error ?? 'failed', at };
        try {
          const c = this.client(server);
          const [a, aaaa] = await Promise.all([c.a(watched.name), c.aaaa(watched.name)]);
          return { resolver: label, a, aaaa, status: this.judge(watched, a, aaaa), at };
        } catch (err) {
          if (label.startsWith('authoritative')) this.finder?.forget(watched.name);
          const message = err instanceof LifelineError ? err.message : 'lookup failed';
          return { resolver: label, a: [], aaaa: [], status: 'error', error: message, at };
        }
      }),
    );
  }

  private judge(
    watched: WatchedName,
    a: { address: string }[],
    aaaa: { address: string }[],
  ): ResolverView['status'] {
    let known = false;
    for (const family of watched.judged) {
      const want = this.publicAddress(family);
      if (!want) continue;
      known = true;
      const got = (family === 'ipv4' ? a : aaaa).map((r) => r.address);
      if (!got.includes(want)) return 'mismatch';
    }
    return known ? 'match' : 'unknown';
  }

  private async checkName(watched: WatchedName): Promise<void> {
    const views = await this.resolve(watched);
    if (this.rounds.stopped) return;
    const now = this.ctx.clock.now();
    const anyMismatch = views.some((v) => v.status === 'mismatch');
    const allMatch = views.some((v) => v.status === 'match') && views.every((v) => v.status !== 'mismatch');
    let status: DnsName['status'] = anyMismatch ? 'mismatch' : allMatch ? 'match' : 'unknown';
    const prev = this.episodes.get(watched.name);
    const episode: Episode =
      prev && (prev.status === status || (prev.status === 'stale' && status === 'mismatch'))
        ? prev
        : { status, since: now, staleAnnounced: false };
    let staleAt: number | undefined;
    if (status === 'mismatch') {
      const maxTtl = Math.min(
        MAX_TTL_CONSIDERED_S,
        Math.max(0, ...views.flatMap((v) => [...v.a, ...v.aaaa].map((r) => r.ttl))),
      );
      staleAt = episode.since + maxTtl * 1000 + this.timings.staleGraceMs;
      if (now >= staleAt) {
        status = 'stale';
        if (!episode.staleAnnounced) {
          episode.staleAnnounced = true;
          const wrong = views.find((v) => v.status === 'mismatch');
          const want = watched.judged.map((f) => this.publicAddress(f)).filter(Boolean);
          this.ctx.events.append({
            kind: 'network.dns-stale',
            severity: 'warning',
            subject: watched.name,
            message: wrong?.a.length
              ? msg('network.dns-stale', {
                  name: watched.name,
                  wrong: wrong.a.map((r) => r.address).join(', '),
                  want: want.join(', '),
                  resolver: wrong.resolver,
                })
              : msg('network.dns-stale.nothing', {
                  name: watched.name,
                  want: want.join(', '),
                  resolver: wrong?.resolver ?? '',
                }),
            data: {
              name: watched.name,
              since: episode.since,
              resolvers: views.filter((v) => v.status === 'mismatch').map((v) => v.resolver),
              expected: want,
            },
          });
        }
      }
    } else if (prev?.staleAnnounced && status === 'match') {
      this.ctx.events.append({
        kind: 'network.dns-matched',
        severity: 'info',
        subject: watched.name,
        message: msg('network.dns-matched', { name: watched.name }),
        data: { name: watched.name, staleSince: prev.since },
      });
    }
    episode.status = status;
    this.episodes.set(watched.name, episode);
    const view: DnsName = {
      name: watched.name,
      status,
      ...(this.proxied(watched.name)
        ? {
            note: 'proxied by Cloudflare: resolvers answer Cloudflare’s addresses; the record is checked through the API',
          }
        : {}),
      since: episode.since,
      ...(staleAt !== undefined ? { staleAt } : {}),
      checkedAt: now,
      resolvers: views,
    };
    this.views.set(watched.name, view);
    this.ctx.state.set('network.name', watched.name, view);
  }

  async stop(): Promise<void> {
    const ended = this.rounds.stop();
    for (const c of this.clients.values()) c.cancel();
    await ended;
  }
}
