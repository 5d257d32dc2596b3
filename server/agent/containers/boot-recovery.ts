// The boot-race fix the first outage lacked: a watched container that died at boot because a mount
// or a file was not ready yet (a start error, or exit 126/127/128) is started again with a bounded
// backoff until it stays up or the window ends. Every attempt is an event.

import { backoffDelay } from '../../../shared/backoff.js';
import { msg } from '../../../shared/messages/say.js';
import type { RecoveryInfo } from '../../../shared/protocol/vocabulary.js';
import type { Clock } from '../../clock.js';
import { describeError, type Logger } from '../../log.js';
import type { EventLog } from '../event-log.js';

export interface RecoveryTarget {
  /** `<engine>/<name>`. */
  key: string;
  name: string;
  engine: string;
}

export interface BootRecoveryDeps {
  events: EventLog;
  clock: Clock;
  log: Logger;
  windowMs: number;
  /** Waits before attempt 1, 2, …; the last one repeats. */
  retryMs: readonly number[];
  /** How long a start must stay up to count as recovered. */
  stableMs: number;
  /** Starts the container; throws a LifelineError with Docker's reason when it cannot. */
  start(key: string): Promise<void>;
  /** Whether it runs now, and since when; undefined once it is gone. */
  status(key: string): { running: boolean; startedAt: number | null } | undefined;
  /** The recovery info of a container changed (republish it). */
  changed(key: string): void;
}

interface Entry {
  target: RecoveryTarget;
  info: RecoveryInfo;
  firstFailureAt: number;
  timer: NodeJS.Timeout | null;
  startedAt: number | null;
}

export class BootRecovery {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly deps: BootRecoveryDeps) {}

  info(key: string): RecoveryInfo | null {
    return this.entries.get(key)?.info ?? null;
  }

  /** True while attempts are being made (its deaths are reported by the attempts, not as new deaths). */
  active(key: string): boolean {
    const s = this.entries.get(key)?.info.status;
    return s === 'waiting' || s === 'starting';
  }

  begin(target: RecoveryTarget, failedAt: number): void {
    if (this.active(target.key)) return;
    this.clear(target.key);
    const now = this.deps.clock.now();
    const entry: Entry = {
      target,
      firstFailureAt: failedAt,
      timer: null,
      startedAt: null,
      info: { status: 'waiting', attempts: 0, nextAt: null, until: now + this.deps.windowMs },
    };
    this.entries.set(target.key, entry);
    this.schedule(entry);
  }

  /** It died again: after a start that did not hold, plan the next attempt. */
  died(key: string): void {
    const entry = this.entries.get(key);
    if (entry?.info.status !== 'starting') return;
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    this.schedule(entry);
  }

  /** It runs (started by anyone): a finished recovery's note is no longer news. */
  seenRunning(key: string): void {
    if (this.entries.get(key)?.info.status === 'gave-up') this.clear(key);
  }

  /** Someone acted on the container (stop) or it is gone: stop trying. */
  cancel(key: string): void {
    if (this.clear(key)) this.deps.changed(key);
  }

  stop(): void {
    for (const e of this.entries.values()) if (e.timer) clearTimeout(e.timer);
    this.entries.clear();
  }

  /** A timer's work: whatever goes wrong is logged, never thrown into the event loop. */
  private safely(work: () => void | Promise<void>): void {
    try {
      Promise.resolve(work()).catch((err) =>
        this.deps.log.error(`boot-race recovery: ${describeError(err)}`),
      );
    } catch (err) {
      this.deps.log.error(`boot-race recovery: ${describeError(err)}`);
    }
  }

  private clear(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    if (entry.timer) clearTimeout(entry.timer);
    this.entries.delete(key);
    return true;
  }

  private schedule(entry: Entry): void {
    const { retryMs, clock } = this.deps;
    const wait = backoffDelay({ steps: retryMs }, entry.info.attempts);
    const at = clock.now() + wait;
    if (at > entry.info.until) {
      this.giveUp(entry);
      return;
    }
    entry.info = { ...entry.info, status: 'waiting', nextAt: at };
    entry.timer = setTimeout(() => this.safely(() => this.attempt(entry)), wait);
    this.deps.changed(entry.target.key);
  }

  private async attempt(entry: Entry): Promise<void> {
    entry.timer = null;
    const { key, name, engine } = entry.target;
    if (this.entries.get(key) !== entry) return;
    const now = this.deps.status(key);
    if (!now) return this.cancel(key);
    if (now.running) return this.recovered(entry, now.startedAt);
    const attempt = entry.info.attempts + 1;
    entry.info = { ...entry.info, status: 'starting', attempts: attempt, nextAt: null };
    this.deps.changed(key);
    try {
      await this.deps.start(key);
    } catch (err) {
      if (this.entries.get(key) !== entry) return;
      const reason = describeError(err);
      this.deps.events.append({
        kind: 'containers.recovery-attempt',
        severity: 'info',
        subject: key,
        message: msg('containers.recovery-attempt.failed', { attempt, name, engine, reason }),
        data: { engine, container: key, name, attempt, ok: false, error: reason },
      });
      this.schedule(entry);
      return;
    }
    // Gone, or it already died again and the next attempt is planned.
    if (this.entries.get(key) !== entry || entry.timer !== null) return;
    this.deps.events.append({
      kind: 'containers.recovery-attempt',
      severity: 'info',
      subject: key,
      message: msg('containers.recovery-attempt.started', { attempt, name, engine }),
      data: { engine, container: key, name, attempt, ok: true },
    });
    entry.startedAt = this.deps.status(key)?.startedAt ?? null;
    entry.timer = setTimeout(() => this.safely(() => this.check(entry)), this.deps.stableMs);
  }

  private check(entry: Entry): void {
    entry.timer = null;
    if (this.entries.get(entry.target.key) !== entry) return;
    const now = this.deps.status(entry.target.key);
    if (!now) this.cancel(entry.target.key);
    // Still the start we made (not a crash and a restart by the restart policy in between).
    else if (now.running && (entry.startedAt === null || now.startedAt === entry.startedAt))
      this.recovered(entry, now.startedAt);
    else this.schedule(entry);
  }

  private recovered(entry: Entry, startedAt: number | null): void {
    const { key, name, engine } = entry.target;
    const downSeconds = Math.round(((startedAt ?? this.deps.clock.now()) - entry.firstFailureAt) / 1000);
    entry.info = { ...entry.info, status: 'recovered', nextAt: null };
    this.deps.events.append({
      kind: 'containers.recovered',
      severity: 'info',
      subject: key,
      message:
        entry.info.attempts > 0
          ? msg('containers.recovered.after', {
              name,
              engine,
              attempts: entry.info.attempts,
              down: downSeconds,
            })
          : msg('containers.recovered', { name, engine, down: downSeconds }),
      data: { engine, container: key, name, attempts: entry.info.attempts, downSeconds },
    });
    this.deps.log.info(`${key}: recovered after ${entry.info.attempts} attempt(s)`);
    this.deps.changed(key);
    // Shown as "recovered" for the rest of the window, then forgotten.
    entry.timer = setTimeout(() => this.cancel(key), Math.max(0, entry.info.until - this.deps.clock.now()));
  }

  private giveUp(entry: Entry): void {
    const { key, name, engine } = entry.target;
    entry.info = { ...entry.info, status: 'gave-up', nextAt: null };
    this.deps.events.append({
      kind: 'containers.recovery-gave-up',
      severity: 'critical',
      subject: key,
      message: msg('containers.recovery-gave-up', {
        name,
        engine,
        attempts: entry.info.attempts,
        window: this.deps.windowMs,
      }),
      data: { engine, container: key, name, attempts: entry.info.attempts },
    });
    this.deps.changed(key);
  }
}

/** "10 min", "45 s". */
export function spanText(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}
