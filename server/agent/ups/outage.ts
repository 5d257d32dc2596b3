// The judge of one UPS's power: from each fresh reading, what changed (power failed, battery
// low, power back) and whether the owner's onBattery rule is due. A pure function, tested alone;
// it fires the rule at most once per outage.
import type { UpsOutage } from '../../../shared/protocol/ups.js';
import type { OnBatteryRule } from './config.js';
import * as say from './messages.js';
import type { UpsReading } from './reading.js';

export type UpsTransitionKind =
  | 'ups.power-failed'
  | 'ups.low-battery'
  | 'ups.power-back'
  | 'ups.unreachable'
  | 'ups.reachable'
  | 'ups.rule-fired'
  | 'ups.rule-failed';

/** A change worth an event (and a push): the lead maps it to `ctx.events.append`. */
export interface UpsTransition {
  kind: UpsTransitionKind;
  severity: 'info' | 'warning' | 'critical';
  /** The config id of the UPS. */
  ups: string;
  at: number;
  message: say.UpsMessage;
}

/** The owner's onBattery rule is due: stop these containers (through the guard). */
export interface OnBatteryFiring {
  ups: string;
  stop: string[];
  reason: say.RuleReason;
  onBatterySince: number;
  minutesOnBattery: number;
  runtimeSeconds?: number;
  message: say.UpsMessage;
}

export interface OutageMemory {
  outage?: UpsOutage & { ruleFiredAt?: number };
  lastOutage?: UpsOutage;
}

export interface JudgeContext {
  id: string;
  /** Display name used in messages. */
  name: string;
  rule?: OnBatteryRule;
  timeZone?: string;
}

export interface Judgement {
  memory: OutageMemory;
  transitions: UpsTransition[];
  fire?: OnBatteryFiring;
}

export function judge(mem: OutageMemory, r: UpsReading, now: number, ctx: JudgeContext): Judgement {
  const transitions: UpsTransition[] = [];
  const t = (kind: UpsTransitionKind, severity: UpsTransition['severity'], message: say.UpsMessage) =>
    transitions.push({ kind, severity, ups: ctx.id, at: now, message });

  if (r.status === 'online') {
    if (!mem.outage) return { memory: mem, transitions };
    const { ruleFiredAt: _, ...ended } = mem.outage;
    t('ups.power-back', 'info', say.powerBack(ctx.name, ended.since, now));
    return { memory: { lastOutage: { ...ended, endedAt: now } }, transitions };
  }
  // 'unknown' (WAIT, OFF, a status word we do not know) says nothing about mains: keep what we knew.
  if (r.status === 'unknown') return { memory: mem, transitions };

  const outage = { ...(mem.outage ?? { since: now }) };
  if (!mem.outage)
    t('ups.power-failed', 'critical', say.powerFailed(ctx.name, now, r.runtimeSeconds, ctx.timeZone));
  if (r.status === 'low-battery' && outage.lowBatteryAt === undefined) {
    outage.lowBatteryAt = now;
    t('ups.low-battery', 'critical', say.lowBattery(ctx.name, r.runtimeSeconds));
  }
  let fire: OnBatteryFiring | undefined;
  const reason =
    ctx.rule && outage.ruleFiredAt === undefined ? ruleDue(ctx.rule, r, now - outage.since) : undefined;
  if (ctx.rule && reason) {
    outage.ruleFiredAt = now;
    const minutesOnBattery = Math.floor((now - outage.since) / 60_000);
    const message = say.ruleFired(ctx.name, reason, ctx.rule.stop, minutesOnBattery, r.runtimeSeconds);
    t('ups.rule-fired', 'warning', message);
    fire = {
      ups: ctx.id,
      stop: [...ctx.rule.stop],
      reason,
      onBatterySince: outage.since,
      minutesOnBattery,
      ...(r.runtimeSeconds !== undefined ? { runtimeSeconds: r.runtimeSeconds } : {}),
      message,
    };
  }
  const memory: OutageMemory = { outage, ...(mem.lastOutage ? { lastOutage: mem.lastOutage } : {}) };
  return { memory, transitions, ...(fire ? { fire } : {}) };
}

/**
 * Whichever comes first: low battery (the UPS is about to cut the load, so a later threshold
 * would be too late), runtime under the threshold, or time on battery over it.
 */
function ruleDue(rule: OnBatteryRule, r: UpsReading, onBatteryMs: number): say.RuleReason | undefined {
  if (r.status === 'low-battery') return 'low-battery';
  if (
    rule.runtimeBelowMinutes !== undefined &&
    r.runtimeSeconds !== undefined &&
    r.runtimeSeconds < rule.runtimeBelowMinutes * 60
  )
    return 'runtime-below';
  if (rule.afterMinutes !== undefined && onBatteryMs >= rule.afterMinutes * 60_000) return 'after-minutes';
  return undefined;
}
