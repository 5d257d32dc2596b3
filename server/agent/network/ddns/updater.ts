// Keeps one DDNS record pointed at the public address: updates only when the record differs, reads it
// back afterwards, and on failure retries with bounded backoff forever — never the hour-long silence
// of the first outage (or ddns-updater#1029). Every attempt lands in the event log.

import { backoffDelay } from '../../../../shared/backoff.js';
import { msg } from '../../../../shared/messages/say.js';
import { LifelineError, toErrorInfo } from '../../../../shared/protocol/errors.js';
import type { DdnsRecord, IpFamily } from '../../../../shared/protocol/network.js';
import type { DdnsProvider } from '../../../dns/provider.js';
import type { AgentContext } from '../../capability.js';
import type { NetTimings } from '../timings.js';

export interface AttemptResult {
  ok: boolean;
  changed: boolean;
  code?: string;
  message?: string;
}

export class DdnsUpdater {
  private readonly desired: Partial<Record<IpFamily, string>> = {};
  private failures = 0;
  private status: DdnsRecord['status'] = 'waiting';
  private lastAttempt: DdnsRecord['lastAttempt'];
  private lastSuccessAt: number | undefined;
  private nextRetryAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<AttemptResult> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    readonly record: string,
    readonly provider: DdnsProvider,
    readonly families: readonly IpFamily[],
    private readonly ctx: AgentContext,
    private readonly timings: NetTimings,
  ) {
    const saved = ctx.kv.get<{ lastSuccessAt?: number }>(this.key('meta'));
    this.lastSuccessAt = saved?.lastSuccessAt;
  }

  private key(what: string) {
    return `network.ddns.${this.record}.${what}`;
  }

  start(): void {
    this.publish();
  }

  /** The public address of a family changed (or became known): sync at once, skipping any wait. */
  setDesired(family: IpFamily, address: string | null): void {
    if (!this.families.includes(family)) return;
    const before = this.desired[family];
    if (address) this.desired[family] = address;
    else delete this.desired[family];
    if (before !== this.desired[family]) this.kick();
    else this.publish();
  }

  /** Runs a sync now; `force` updates even when the record already looks right. */
  kick(force = false): Promise<AttemptResult> {
    if (this.stopped) return Promise.resolve({ ok: false, changed: false, message: 'stopped' });
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) {
      this.again = true;
      if (!force) return this.running;
      return this.running.then(() => this.kick(true));
    }
    this.running = this.sync(force).finally(() => {
      this.running = undefined;
      if (this.again && !this.stopped) {
        this.again = false;
        void this.kick();
      }
    });
    return this.running;
  }

  private async sync(force: boolean): Promise<AttemptResult> {
    const families = this.families.filter((f) => this.desired[f]);
    if (families.length === 0) {
      this.status = 'waiting';
      this.publish();
      return {
        ok: false,
        changed: false,
        code: 'unavailable',
        message: 'the public address is not known yet',
      };
    }
    this.status = 'updating';
    this.publish();
    let changed = false;
    let family: IpFamily = families[0]!;
    let from: string[] | undefined;
    try {
      for (family of families) {
        const want = this.desired[family]!;
        const lastSet = this.ctx.kv.get<string>(this.key(family));
        from = (await this.provider.current(family)) ?? (lastSet ? [lastSet] : undefined);
        if (!force && from?.length === 1 && from[0] === want) continue;
        await this.provider.update(family, want);
        const verified = await this.provider.verify(family, want);
        if (verified === false) {
          const now = await this.provider.current(family).catch(() => undefined);
          throw new LifelineError(
            'failed',
            `the update was accepted but the authoritative answer is still ${now?.join(', ') || 'empty'}`,
          );
        }
        this.ctx.kv.set(this.key(family), want);
        changed = true;
        this.ctx.events.append({
          kind: 'network.ddns-updated',
          severity: 'info',
          subject: this.record,
          message: msg('network.ddns-updated', {
            record: this.record,
            address: want,
            provider: this.provider.provider,
          }),
          data: {
            record: this.record,
            provider: this.provider.provider,
            family,
            from: from ?? null,
            to: want,
            verified: verified ?? null,
            forced: force,
          },
        });
        this.lastAttempt = {
          at: this.ctx.clock.now(),
          ok: true,
          ...(verified !== undefined ? { verified } : {}),
        };
      }
      if (this.failures > 0)
        this.ctx.events.append({
          kind: 'network.ddns-recovered',
          severity: 'info',
          subject: this.record,
          message: msg('network.ddns-recovered', { record: this.record, n: this.failures }),
          data: { record: this.record, provider: this.provider.provider, failures: this.failures },
        });
      this.failures = 0;
      this.status = 'in-sync';
      this.lastSuccessAt = this.ctx.clock.now();
      this.ctx.kv.set(this.key('meta'), { lastSuccessAt: this.lastSuccessAt });
      if (!changed) this.lastAttempt ??= { at: this.lastSuccessAt, ok: true };
      this.schedule(this.timings.ddnsResyncMs);
      return { ok: true, changed };
    } catch (err) {
      const info = toErrorInfo(err);
      const message =
        err instanceof LifelineError ? info.message : `unexpected error (${(err as Error)?.message})`;
      this.failures++;
      const wait = Math.round(
        backoffDelay(
          {
            steps: { firstMs: this.timings.ddnsRetryFirstMs, maxMs: this.timings.ddnsRetryMaxMs },
            jitter: [0.8, 1.2],
          },
          this.failures - 1,
        ),
      );
      this.status = 'retrying';
      this.lastAttempt = { at: this.ctx.clock.now(), ok: false, code: info.code, message };
      this.schedule(wait);
      this.ctx.events.append({
        kind: 'network.ddns-failed',
        // The first failure of a run is the one worth a notification; the retries are the record.
        severity: this.failures === 1 ? 'warning' : 'info',
        subject: this.record,
        message: msg('network.ddns-failed', {
          record: this.record,
          reason: message,
          attempt: this.failures + 1,
          wait: Math.round(wait / 1000),
        }),
        data: {
          record: this.record,
          provider: this.provider.provider,
          family,
          to: this.desired[family] ?? null,
          code: info.code,
          error: message,
          attempt: this.failures,
          nextRetryAt: this.nextRetryAt ?? null,
        },
      });
      return { ok: false, changed, code: info.code, message };
    } finally {
      this.publish();
    }
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.nextRetryAt = this.ctx.clock.now() + ms;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.kick();
    }, ms);
  }

  snapshot(): DdnsRecord {
    return {
      record: this.record,
      provider: this.provider.provider,
      status: this.status,
      desired: { ...this.desired },
      ...(this.lastAttempt ? { lastAttempt: this.lastAttempt } : {}),
      ...(this.lastSuccessAt ? { lastSuccessAt: this.lastSuccessAt } : {}),
      failures: this.failures,
      ...(this.provider.proxied ? { proxied: true } : {}),
      ...(this.status === 'retrying' && this.nextRetryAt ? { nextRetryAt: this.nextRetryAt } : {}),
    };
  }

  private publish(): void {
    if (!this.stopped) this.ctx.state.set('network.ddns', this.record, this.snapshot());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
    this.provider.stop?.();
  }
}
