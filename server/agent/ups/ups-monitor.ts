// Watches one UPS: polls its upsd every pollSeconds, publishes what it reads as a `ups` entity,
// hands transitions (power failed, battery low, power back, upsd lost and found) to `emit`, and
// calls `onBattery` once per outage when the owner's rule is due. Never throws: a dead upsd is
// state (reachable: false, problem), and it recovers by itself.
import { LifelineError } from '../../../shared/protocol/errors.js';
import type { UpsInfo } from '../../../shared/protocol/ups.js';
import type { Clock } from '../../clock.js';
import { createLogger, type Logger } from '../../log.js';
import { UPS_DEFAULT_POLL_SECONDS, type UpsEntry } from './config.js';
import * as say from './messages.js';
import type { NutLink } from './nut-client.js';
import { judge, type OnBatteryFiring, type OutageMemory, type UpsTransition } from './outage.js';
import { readingOf, type UpsReading } from './reading.js';

/** Failed polls in a row before upsd counts as unreachable: one lost poll is not news. */
export const UNREACHABLE_AFTER_POLLS = 3;

export interface UpsMonitorOptions {
  entry: UpsEntry;
  /** Opens the client for this entry (may throw, e.g. an unreadable password file). */
  connect: (entry: UpsEntry) => NutLink;
  clock: Clock;
  publish: (info: UpsInfo) => void;
  emit: (transition: UpsTransition) => void;
  /** The owner's onBattery rule is due; the caller runs it through the guard. */
  onBattery?: (firing: OnBatteryFiring) => Promise<void> | void;
  /** Poll interval; default entry.pollSeconds. */
  pollMs?: number;
  unreachableAfter?: number;
  /** For the English text's clock times; default the process's zone. */
  timeZone?: string;
  /** For what cannot reach the owner otherwise (a bug in a callback); default: stderr. */
  log?: Pick<Logger, 'error'>;
}

export class UpsMonitor {
  private link: NutLink | undefined;
  private loggedIn = false;
  private reading: UpsReading | undefined;
  private memory: OutageMemory = {};
  private failures = 0;
  private firstFailureAt = 0;
  private reachable = false;
  private announcedUnreachable = false;
  private problem: UpsInfo['problem'];
  private seenAt: number | undefined;
  private changedAt: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  private readonly name: string;

  constructor(private readonly opts: UpsMonitorOptions) {
    this.name = opts.entry.label ?? opts.entry.id;
  }

  get info(): UpsInfo {
    const e = this.opts.entry;
    const r = this.reading;
    const m = this.memory;
    return {
      name: this.name,
      address: e.address,
      upsName: e.name,
      ...(r?.model ? { model: r.model } : {}),
      reachable: this.reachable,
      ...(this.problem ? { problem: this.problem } : {}),
      status: r?.status ?? 'unknown',
      flags: r?.flags ?? [],
      warnings: r?.warnings ?? [],
      ...pick(r, ['battery', 'charge', 'runtimeSeconds', 'load', 'inputVoltage']),
      ...(m.outage
        ? {
            outage: {
              since: m.outage.since,
              ...(m.outage.lowBatteryAt ? { lowBatteryAt: m.outage.lowBatteryAt } : {}),
            },
          }
        : {}),
      ...(m.lastOutage ? { lastOutage: m.lastOutage } : {}),
      ...(e.onBattery
        ? { rule: { ...e.onBattery, ...(m.outage?.ruleFiredAt ? { firedAt: m.outage.ruleFiredAt } : {}) } }
        : {}),
      ...(this.seenAt !== undefined ? { seenAt: this.seenAt } : {}),
      ...(this.changedAt !== undefined ? { changedAt: this.changedAt } : {}),
    };
  }

  /** Publishes the initial state and polls now, then every pollMs after each poll ends. */
  start(): void {
    this.opts.publish(this.info);
    const loop = async () => {
      this.timer = undefined;
      if (this.stopped) return;
      // A throwing publish/emit callback must not end the polling, nor the process.
      this.running = this.poll().catch((err: unknown) =>
        this.log().error(`${this.opts.entry.id}: poll failed: ${String(err)}`),
      );
      await this.running;
      this.running = undefined;
      if (!this.stopped) this.timer = setTimeout(loop, this.pollMs());
    };
    void loop();
  }

  /** Stops polling and closes the connection (LOGOUT); waits for a poll in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.link?.close().catch(() => {});
    this.link = undefined;
  }

  /** One poll: read, judge, publish, emit. Resolves with the transitions it emitted. */
  async poll(): Promise<UpsTransition[]> {
    const out: UpsTransition[] = [];
    const emit = (t: UpsTransition) => {
      out.push(t);
      this.opts.emit(t);
    };
    let vars: Record<string, string>;
    try {
      vars = await this.read();
    } catch (err) {
      this.failed(err, emit);
      if (!this.stopped) this.opts.publish(this.info);
      return out;
    }
    const now = this.opts.clock.now();
    if (this.announcedUnreachable)
      emit(this.transition('ups.reachable', 'info', say.reachable(this.name, this.firstFailureAt, now), now));
    this.failures = 0;
    this.announcedUnreachable = false;
    this.reachable = true;
    this.problem = undefined;
    this.seenAt = now;
    const reading = readingOf(vars);
    if (reading.status !== this.reading?.status) this.changedAt = now;
    this.reading = reading;
    const j = judge(this.memory, reading, now, {
      id: this.opts.entry.id,
      name: this.name,
      ...(this.opts.entry.onBattery ? { rule: this.opts.entry.onBattery } : {}),
      ...(this.opts.timeZone ? { timeZone: this.opts.timeZone } : {}),
    });
    this.memory = j.memory;
    for (const t of j.transitions) emit(t);
    if (!this.stopped) this.opts.publish(this.info);
    if (j.fire) this.fire(j.fire);
    return out;
  }

  private async read(): Promise<Record<string, string>> {
    const e = this.opts.entry;
    this.link ??= this.opts.connect(e);
    if (e.username !== undefined && !this.loggedIn) {
      await this.link.login(e.name);
      this.loggedIn = true;
    }
    return this.link.listVars(e.name);
  }

  private failed(err: unknown, emit: (t: UpsTransition) => void): void {
    const now = this.opts.clock.now();
    if (this.failures === 0) this.firstFailureAt = now;
    this.failures++;
    if (this.failures < (this.opts.unreachableAfter ?? UNREACHABLE_AFTER_POLLS)) return;
    const info = problemOf(err);
    this.problem = info;
    this.reachable = false;
    if (!this.announcedUnreachable) {
      this.announcedUnreachable = true;
      emit(this.transition('ups.unreachable', 'warning', say.unreachable(this.name, info.message), now));
    }
  }

  private fire(firing: OnBatteryFiring): void {
    const cb = this.opts.onBattery;
    if (!cb) return;
    // Runs beside the polls: stopping containers can take longer than a poll interval.
    void Promise.resolve()
      .then(() => cb(firing))
      .catch((err: unknown) => {
        const now = this.opts.clock.now();
        const why = err instanceof LifelineError ? err.message : 'internal error';
        this.opts.emit(
          this.transition('ups.rule-failed', 'critical', say.ruleFailed(this.name, firing.stop, why), now),
        );
      })
      .catch((err: unknown) => this.log().error(`${this.opts.entry.id}: onBattery failed: ${String(err)}`));
  }

  private log(): Pick<Logger, 'error'> {
    return this.opts.log ?? createLogger('ups');
  }

  private transition(
    kind: UpsTransition['kind'],
    severity: UpsTransition['severity'],
    message: say.UpsMessage,
    at: number,
  ): UpsTransition {
    return { kind, severity, ups: this.opts.entry.id, at, message };
  }

  private pollMs(): number {
    return this.opts.pollMs ?? (this.opts.entry.pollSeconds ?? UPS_DEFAULT_POLL_SECONDS) * 1000;
  }
}

function problemOf(err: unknown): NonNullable<UpsInfo['problem']> {
  if (err instanceof LifelineError) {
    const reason = err.params?.reason;
    return {
      code: err.code,
      message: err.message,
      ...(typeof reason === 'string' ? { reason } : {}),
    };
  }
  return { code: 'internal', message: 'internal error' };
}

function pick<T extends object, K extends keyof T>(o: T | undefined, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  if (!o) return out;
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
