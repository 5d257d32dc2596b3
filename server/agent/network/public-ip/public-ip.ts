// Asks every source for the public address of each family, shows which agree, and keeps the address
// most of them report. A change is recorded (old → new, when, which source saw it first), persisted,
// and announced as `network.ip-changed`; the last known address survives restarts and dark periods.

import { msg } from '../../../../shared/messages/say.js';
import { LifelineError } from '../../../../shared/protocol/errors.js';
import type { IpChange, IpFamily, PublicIp, SourceReading } from '../../../../shared/protocol/network.js';
import type { AgentContext } from '../../capability.js';
import { DEGRADED_RETRY_MS, IP_HISTORY_LIMIT } from '../constants.js';
import { Rounds } from '../rounds.js';
import { NotPublicError } from './router-source.js';
import type { AddressSource } from './sources.js';

interface Saved {
  address: string | null;
  since: number | null;
  history: IpChange[];
}

/** The source whose reading only corroborates (relay-source.ts's id). */
const CORROBORATES_ONLY = 'relay';
export type IpChangeListener = (family: IpFamily, address: string | null, previous: string | null) => void;

const FAMILIES: IpFamily[] = ['ipv4', 'ipv6'];

export class PublicIpWatcher {
  private readonly saved: Record<IpFamily, Saved>;
  private readonly readings: Record<IpFamily, Map<string, SourceReading>> = {
    ipv4: new Map(),
    ipv6: new Map(),
  };
  private readonly firstSeen: Record<IpFamily, Map<string, { source: string; at: number }>> = {
    ipv4: new Map(),
    ipv6: new Map(),
  };
  private readonly warnings: Record<IpFamily, string | undefined> = { ipv4: undefined, ipv6: undefined };
  private readonly listeners = new Set<IpChangeListener>();
  private abort = new AbortController();
  private readonly rounds = new Rounds(
    () => this.round(),
    () => this.nextDelay(),
    (err) => this.ctx.log.error(`public address round failed: ${(err as Error).message}`),
  );
  private checkedAt: Record<IpFamily, number> = { ipv4: 0, ipv6: 0 };

  constructor(
    private readonly ctx: AgentContext,
    private readonly sources: readonly AddressSource[],
    private readonly intervalMs: number,
  ) {
    const load = (f: IpFamily): Saved => {
      const s = ctx.kv.get<Saved>(`network.publicIp.${f}`);
      return s && Array.isArray(s.history) ? s : { address: null, since: null, history: [] };
    };
    this.saved = { ipv4: load('ipv4'), ipv6: load('ipv6') };
  }

  onChange(listener: IpChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  current(family: IpFamily): string | null {
    return this.saved[family].address;
  }

  start(): void {
    for (const f of FAMILIES)
      if (this.saved[f].address || this.sources.some((s) => s.families.includes(f))) this.publish(f);
    void this.poll();
  }

  /** Asks every source now (a relay reconnect, a force update, the network coming back). */
  poll(): Promise<void> {
    return this.rounds.run();
  }

  /** Sooner while a family that has sources gets no answer from any of them. */
  private nextDelay(): number {
    const blind = FAMILIES.some((f) => {
      const readings = [...this.readings[f].values()];
      return f === 'ipv4' && readings.length > 0 && readings.every((r) => !r.address);
    });
    return blind ? Math.min(this.intervalMs, DEGRADED_RETRY_MS) : this.intervalMs;
  }

  private async round(): Promise<void> {
    const signal = this.abort.signal;
    await Promise.all(
      FAMILIES.map(async (family) => {
        const asked = this.sources.filter((s) => s.families.includes(family));
        if (asked.length === 0) return;
        let warning: string | undefined;
        await Promise.all(
          asked.map(async (source) => {
            const at = () => this.ctx.clock.now();
            try {
              const address = await source.read(family, signal);
              if (this.rounds.stopped) return;
              this.readings[family].set(source.id, { source: source.id, address, at: at() });
              if (address !== this.saved[family].address && !this.firstSeen[family].has(address))
                this.firstSeen[family].set(address, { source: source.id, at: at() });
            } catch (err) {
              if (this.rounds.stopped) return;
              if (err instanceof NotPublicError) warning = err.message;
              const error = err instanceof LifelineError ? err.message : 'unexpected error';
              // A source that cannot answer for this family at all (relay over IPv4 only) is not shown there.
              if (err instanceof LifelineError && err.code === 'unsupported')
                this.readings[family].delete(source.id);
              else this.readings[family].set(source.id, { source: source.id, error, at: at() });
            }
          }),
        );
        if (this.rounds.stopped) return;
        this.warnings[family] = warning;
        this.checkedAt[family] = this.ctx.clock.now();
        this.decide(family);
      }),
    );
  }

  private decide(family: IpFamily): void {
    const votes = new Map<string, number>();
    const readings = [...this.readings[family].values()];
    for (const r of readings) {
      if (!r.address) continue;
      // The relay sees where the link comes from, but a relay that lies could point the owner's
      // DDNS at itself: its word only counts beside another source that says the same.
      if (
        r.source === CORROBORATES_ONLY &&
        !readings.some((o) => o.source !== r.source && o.address === r.address)
      )
        continue;
      votes.set(r.address, (votes.get(r.address) ?? 0) + 1);
    }
    const previous = this.saved[family].address;
    let winner: string | null = previous;
    if (votes.size > 0) {
      const best = Math.max(...votes.values());
      const tied = [...votes].filter(([, n]) => n === best).map(([a]) => a);
      // On a tie the address we already had stays: a change needs more witnesses, not as many.
      winner = previous && tied.includes(previous) ? previous : tied[0]!;
    }
    if (winner && winner !== previous) this.change(family, previous, winner);
    for (const a of this.firstSeen[family].keys()) if (!votes.has(a)) this.firstSeen[family].delete(a);
    this.publish(family);
  }

  private change(family: IpFamily, from: string | null, to: string): void {
    const seen = this.firstSeen[family].get(to) ?? { source: 'unknown', at: this.ctx.clock.now() };
    this.firstSeen[family].delete(to);
    const entry: IpChange = { from, to, at: seen.at, firstSource: seen.source };
    const saved = this.saved[family];
    saved.history = [entry, ...saved.history].slice(0, IP_HISTORY_LIMIT);
    saved.address = to;
    saved.since = seen.at;
    this.ctx.kv.set(`network.publicIp.${family}`, saved);
    const label = family === 'ipv4' ? 'IPv4' : 'IPv6';
    if (from)
      this.ctx.events.append({
        kind: 'network.ip-changed',
        severity: 'warning',
        subject: family,
        message: msg('network.ip-changed', { family: label, from, to, source: seen.source }),
        data: { family, from, to, firstSource: seen.source, seenAt: seen.at },
      });
    else this.ctx.log.info(`public ${label} address is ${to} (first seen by ${seen.source})`);
    for (const l of this.listeners) l(family, to, from);
  }

  snapshot(family: IpFamily): PublicIp {
    const saved = this.saved[family];
    const readings = [...this.readings[family].values()].sort((a, b) => (a.source < b.source ? -1 : 1));
    const warning = this.warnings[family];
    return {
      family,
      address: saved.address,
      since: saved.since,
      checkedAt: this.checkedAt[family],
      agree: readings.filter((r) => r.address && r.address === saved.address).map((r) => r.source),
      disagree: readings
        .filter((r) => r.address && r.address !== saved.address)
        .map((r) => ({ source: r.source, address: r.address! })),
      sources: readings,
      history: saved.history,
      ...(warning ? { warning } : {}),
    };
  }

  private publish(family: IpFamily): void {
    if (!this.rounds.stopped) this.ctx.state.set('network.public-ip', family, this.snapshot(family));
  }

  async stop(): Promise<void> {
    const ended = this.rounds.stop();
    this.abort.abort();
    await ended;
    for (const s of this.sources) await s.stop?.();
  }
}
