// One plug's life in the agent: polling with jitter (or following pushes), online/offline and
// external changes as events, commands serialised with polls, and power-cycles tracked until the
// plug is back on — across an agent restart too, since the agent may be what the plug powers.

import { jittered } from '../../../shared/backoff.js';
import { fail, msg } from '../../../shared/messages/say.js';
import { type ErrorInfo, LifelineError, toErrorInfo } from '../../../shared/protocol/errors.js';
import type { MessageRef } from '../../../shared/protocol/message.js';
import type { PlugCycle, PlugInfo } from '../../../shared/protocol/power.js';
import type { AgentContext } from '../capability.js';
import type { PlugConfig } from './config.js';
import type { PlugDriver, PlugPush, PlugReading } from './driver.js';

/** How long after the expected return a cycle is still tracked before it is dropped. */
const CYCLE_GRACE_MS = 10 * 60_000;
/** Push drivers are still read now and then, as a health check. */
const PUSH_HEALTH_MS = 60_000;
const cycleKey = (id: string) => `power.cycle.${id}`;

/** Why a device call failed, as a message: the driver's own, or its English as data. */
function reasonOf(info: ErrorInfo): MessageRef {
  return info.msg ?? msg('power.error.other', { detail: info.message });
}

export interface CycleResult {
  plug: string;
  cycleSeconds: number;
  endsAt: number;
  expectBackAt: number;
  by: 'device' | 'agent';
  evidence?: string;
}

export class PlugController {
  private online = false;
  private known = false;
  private problem: ErrorInfo | undefined;
  private on: boolean | null = null;
  private watts: number | undefined;
  private seenAt: number | undefined;
  private changedAt: number | undefined;
  private cycle: PlugCycle | undefined;
  private sawOffInCycle = false;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private agentTimer: ReturnType<typeof setTimeout> | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(
    readonly cfg: PlugConfig,
    readonly driver: PlugDriver,
    private readonly ctx: AgentContext,
    private readonly random: () => number = Math.random,
  ) {}

  start(): void {
    const saved = this.ctx.kv.get<PlugCycle>(cycleKey(this.cfg.id));
    if (saved && this.ctx.clock.now() < saved.expectBackAt + CYCLE_GRACE_MS) {
      this.cycle = saved;
      if (saved.by === 'agent') this.armAgentTimer();
    } else if (saved) this.ctx.kv.set(cycleKey(this.cfg.id), null);
    this.driver.onPush?.((p) => this.onPush(p));
    this.publish();
    this.schedule(this.random() * 500);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.pollTimer);
    clearTimeout(this.agentTimer);
    this.abort.abort();
    await this.chain;
    await this.driver.close();
  }

  view(): PlugInfo {
    const caps = this.driver.capabilities;
    return {
      name: this.cfg.name,
      driver: this.cfg.driver,
      online: this.online,
      ...(this.problem
        ? {
            problem: {
              code: this.problem.code,
              message: this.problem.message,
              ...(this.problem.msg ? { msg: this.problem.msg } : {}),
            },
          }
        : {}),
      on: this.on,
      ...(this.watts !== undefined ? { watts: this.watts } : {}),
      lifeline: this.cfg.lifeline,
      powers: this.cfg.powers,
      timer: { kind: caps.timer, maxSeconds: caps.maxCycleSeconds },
      cycleSeconds: this.cfg.cycleSeconds,
      ...(this.cycle ? { cycle: this.cycle } : {}),
      ...(this.seenAt !== undefined ? { seenAt: this.seenAt } : {}),
      ...(this.changedAt !== undefined ? { changedAt: this.changedAt } : {}),
    };
  }

  /** Reads the device now (for `lifeline check` and the first step of a command). */
  refresh(): Promise<PlugReading> {
    return this.exclusive(() => this.readNow());
  }

  switchTo(on: boolean): Promise<PlugInfo> {
    return this.exclusive(async () => {
      if (!on && this.cfg.lifeline) throw this.lifelineRefusal('power.what.off');
      const reading = await this.device(() => this.driver.set(on, this.abort.signal));
      this.endAgentCycle();
      this.observe(reading, 'command');
      return this.view();
    });
  }

  toggle(): Promise<PlugInfo> {
    return this.exclusive(async () => {
      const now = await this.readNow();
      // Decided on what the device says now, not on what the screen showed.
      if (now.on && this.cfg.lifeline) throw this.lifelineRefusal('power.what.toggle-on');
      const reading = await this.device(() => this.driver.set(!now.on, this.abort.signal));
      this.endAgentCycle();
      this.observe(reading, 'command');
      return this.view();
    });
  }

  powerCycle(seconds: number): Promise<CycleResult> {
    return this.exclusive(async () => {
      const { name, id } = this.cfg;
      if (this.cycle) throw new LifelineError('refused', `${name} is already in a power-cycle`);
      try {
        await this.readNow();
      } catch (err) {
        const why = reasonOf(toErrorInfo(err));
        throw fail(
          'unreachable',
          msg('power.error.cycle-unanswered', { ...why.params, name, reason: why.key }),
        );
      }
      const kind = this.driver.capabilities.timer;
      if (kind === 'none') {
        if (this.cfg.lifeline) throw this.lifelineRefusal('power.what.cycle-no-timer');
        const reading = await this.device(() => this.driver.set(false, this.abort.signal));
        this.observe(reading, 'command');
        this.beginCycle(seconds, 'agent', true);
        this.armAgentTimer();
        return this.cycleResult('agent');
      }
      if (seconds > this.driver.capabilities.maxCycleSeconds)
        throw new LifelineError(
          'bad-args',
          `${name}'s timer accepts at most ${this.driver.capabilities.maxCycleSeconds} s`,
        );
      let evidence: string;
      try {
        evidence = (await this.driver.cycle(seconds, this.abort.signal)).evidence;
      } catch (err) {
        if (err instanceof LifelineError && err.code === 'timeout') {
          // Sent, but no answer: it may be off now. Whoever watches for home must still know.
          this.beginCycle(seconds, 'device', false);
          const c = this.cycle!;
          throw new LifelineError(
            'timeout',
            `${name} did not confirm its timer after the request was sent; if it switched off, it is back only if the timer was set — expect home back by ${new Date(c.expectBackAt).toISOString()}, or go and check`,
            { plug: id, expectBackAt: c.expectBackAt },
          );
        }
        throw err;
      }
      this.beginCycle(seconds, 'device', true, evidence);
      return { ...this.cycleResult('device'), evidence };
    });
  }

  // ——— internals ———

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async readNow(): Promise<PlugReading> {
    const reading = await this.device(() => this.driver.read(this.abort.signal));
    this.observe(reading, 'poll');
    return reading;
  }

  /** Runs a device call; a failure marks the plug offline (with why) and is rethrown. */
  private async device<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await this.ctx.metrics.timeDevice('plug', this.cfg.driver, call);
    } catch (err) {
      if (!(err instanceof LifelineError) || ['timeout', 'unreachable', 'failed'].includes(err.code))
        this.fail(err);
      throw err instanceof LifelineError
        ? err
        : new LifelineError('failed', `${this.cfg.name}: the plug call failed`);
    }
  }

  private schedule(ms?: number): void {
    if (this.stopped) return;
    clearTimeout(this.pollTimer);
    const poll = this.cfg.pollSeconds * 1000;
    const base =
      ms ??
      (this.cycle
        ? Math.min(poll, 2000)
        : !this.online
          ? Math.min(poll, 5000)
          : this.driver.capabilities.push
            ? Math.max(poll, PUSH_HEALTH_MS)
            : poll);
    // ±20 % jitter, so many plugs (and many agents) never poll in lockstep.
    const wait = ms ?? jittered(base, [0.8, 1.2], this.random);
    this.pollTimer = setTimeout(() => {
      void this.exclusive(async () => {
        await this.readNow().catch(() => undefined);
        await this.finishAgentCycleIfDue();
      }).finally(() => this.schedule());
    }, wait);
  }

  private onPush(p: PlugPush): void {
    if (this.stopped) return;
    if (p.kind === 'offline') this.fail(new LifelineError('unreachable', p.reason));
    else this.observe(p.reading, 'push');
  }

  private observe(reading: PlugReading, source: 'poll' | 'push' | 'command'): void {
    const now = this.ctx.clock.now();
    const wasOnline = this.online;
    this.online = true;
    this.problem = undefined;
    this.seenAt = now;
    if (!wasOnline && this.known && !this.cycle)
      this.event('power.online', 'info', msg('power.online', { name: this.cfg.name }), {});
    this.known = true;
    if (this.on !== null && reading.on !== this.on) {
      this.changedAt = now;
      if (source !== 'command' && !this.cycle) {
        const lifelineOff = this.cfg.lifeline && !reading.on;
        this.event(
          'power.changed-externally',
          lifelineOff ? 'critical' : 'info',
          lifelineOff
            ? msg('power.switched-off-lifeline', { name: this.cfg.name, powers: this.cfg.powers.join(', ') })
            : msg(reading.on ? 'power.switched-on' : 'power.switched-off', { name: this.cfg.name }),
          { on: reading.on, was: this.on },
        );
      }
    }
    this.on = reading.on;
    this.watts = reading.watts;
    if (this.cycle && !reading.on) this.sawOffInCycle = true;
    this.checkCycle(now);
    this.publish();
  }

  private fail(err: unknown): void {
    const info = toErrorInfo(err);
    const why = reasonOf(info);
    const wasOnline = this.online;
    this.online = false;
    this.problem = info;
    if (wasOnline && !this.cycle)
      this.event(
        'power.offline',
        this.cfg.lifeline ? 'warning' : 'info',
        msg('power.offline-why', { ...why.params, name: this.cfg.name, reason: why.key }),
        {
          reason: info.message,
        },
      );
    if (this.cycle) this.sawOffInCycle = true;
    this.known = true;
    this.checkCycle(this.ctx.clock.now());
    this.publish();
  }

  private beginCycle(seconds: number, by: 'device' | 'agent', confirmed: boolean, evidence?: string): void {
    const startedAt = this.ctx.clock.now();
    const endsAt = startedAt + seconds * 1000;
    const expectBackAt = endsAt + this.cfg.bootSeconds * 1000;
    this.cycle = { startedAt, endsAt, expectBackAt, by, confirmed };
    this.sawOffInCycle = by === 'agent';
    this.ctx.kv.set(cycleKey(this.cfg.id), this.cycle);
    const data = {
      plug: this.cfg.id,
      name: this.cfg.name,
      cycleSeconds: seconds,
      endsAt,
      expectBackAt,
      by,
      confirmed,
      ...(evidence ? { evidence } : {}),
      powers: this.cfg.powers,
    };
    if (this.cfg.lifeline)
      this.event(
        'lifeline.cycle-started',
        'warning',
        confirmed
          ? msg('power.lifeline-cycle-started', {
              name: this.cfg.name,
              seconds,
              back: seconds + this.cfg.bootSeconds,
            })
          : msg('power.lifeline-cycle-unconfirmed', { name: this.cfg.name, seconds }),
        data,
      );
    else
      this.event(
        'power.cycle-started',
        'info',
        msg('power.cycle-started', { name: this.cfg.name, seconds }),
        data,
      );
    this.publish();
    this.schedule();
  }

  private checkCycle(now: number): void {
    const c = this.cycle;
    if (!c) return;
    const back = this.online && this.on === true && (this.sawOffInCycle || now >= c.endsAt);
    if (back) {
      const offSeconds = Math.round((now - c.startedAt) / 1000);
      this.event(
        'power.cycle-done',
        'info',
        msg('power.cycle-done', { name: this.cfg.name, off: offSeconds }),
        {
          offSeconds,
          by: c.by,
        },
      );
      this.endCycle();
    } else if (now > c.expectBackAt && this.online && this.on === false) {
      this.event('power.cycle-failed', 'critical', msg('power.cycle-failed', { name: this.cfg.name }), {
        by: c.by,
      });
      this.endCycle();
    } else if (now > c.expectBackAt + CYCLE_GRACE_MS) this.endCycle();
  }

  private endCycle(): void {
    this.cycle = undefined;
    this.sawOffInCycle = false;
    clearTimeout(this.agentTimer);
    this.ctx.kv.set(cycleKey(this.cfg.id), null);
  }

  private endAgentCycle(): void {
    if (this.cycle?.by === 'agent') this.endCycle();
  }

  private armAgentTimer(): void {
    clearTimeout(this.agentTimer);
    const wait = Math.max(0, (this.cycle?.endsAt ?? 0) - this.ctx.clock.now());
    this.agentTimer = setTimeout(() => void this.exclusive(() => this.finishAgentCycleIfDue()), wait);
  }

  /** The agent's half of an agent-timed cycle; retried on every poll until the plug is on. */
  private async finishAgentCycleIfDue(): Promise<void> {
    const c = this.cycle;
    if (c?.by !== 'agent' || this.ctx.clock.now() < c.endsAt || this.stopped) return;
    try {
      this.observe(await this.device(() => this.driver.set(true, this.abort.signal)), 'command');
    } catch {
      // Offline: the next poll tries again.
    }
  }

  private cycleResult(by: 'device' | 'agent'): CycleResult {
    const c = this.cycle!;
    return {
      plug: this.cfg.id,
      cycleSeconds: Math.round((c.endsAt - c.startedAt) / 1000),
      endsAt: c.endsAt,
      expectBackAt: c.expectBackAt,
      by,
    };
  }

  private lifelineRefusal(
    what: 'power.what.off' | 'power.what.toggle-on' | 'power.what.cycle-no-timer',
  ): LifelineError {
    return fail(
      'refused',
      msg('power.refuse.lifeline', { name: this.cfg.name, powers: this.cfg.powers.join(', '), what }),
      { plug: this.cfg.id },
    );
  }

  private event(
    kind: string,
    severity: 'info' | 'warning' | 'critical',
    message: MessageRef,
    data: Record<string, unknown>,
  ): void {
    this.ctx.events.append({
      kind,
      severity,
      subject: this.cfg.id,
      message,
      data: { plug: this.cfg.id, name: this.cfg.name, ...data },
    });
  }

  private publish(): void {
    if (!this.stopped) this.ctx.state.set('power', this.cfg.id, this.view());
  }
}
