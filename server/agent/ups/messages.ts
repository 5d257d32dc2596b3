// Every sentence the UPS monitor says, made from the catalogue (shared/messages/ups.ts): the
// message travels as key + params; `text` is its English, with clock times in the agent's zone
// (or the monitor's `timeZone`). Times go out as epoch ms in params, so a phone shows its own.
import { english, msg, say } from '../../../shared/messages/say.js';
import type { MessageParams, MessageRef } from '../../../shared/protocol/message.js';

export interface UpsMessage {
  key: string;
  params: MessageParams;
  /** English default. */
  text: string;
}

export type RuleReason = 'after-minutes' | 'runtime-below' | 'low-battery';

const minutesLeftOf = (runtimeSeconds: number) => Math.floor(runtimeSeconds / 60);

export function clockTime(at: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(at);
}

function of(ref: MessageRef, timeZone?: string): UpsMessage {
  const text = timeZone ? say(ref, 'en', { time: (at) => clockTime(at, timeZone) }) : english(ref);
  return { key: ref.key, params: ref.params ?? {}, text };
}

export function powerFailed(
  ups: string,
  since: number,
  runtimeSeconds: number | undefined,
  tz?: string,
): UpsMessage {
  if (runtimeSeconds === undefined) return of(msg('ups.power-failed', { ups, since }), tz);
  const minutesLeft = minutesLeftOf(runtimeSeconds);
  return of(msg('ups.power-failed-runtime', { ups, since, minutesLeft }), tz);
}

export function lowBattery(ups: string, runtimeSeconds: number | undefined): UpsMessage {
  if (runtimeSeconds === undefined) return of(msg('ups.low-battery', { ups }));
  return of(msg('ups.low-battery-runtime', { ups, minutesLeft: minutesLeftOf(runtimeSeconds) }));
}

export function powerBack(ups: string, since: number, endedAt: number): UpsMessage {
  const minutes = Math.round((endedAt - since) / 60_000);
  if (minutes < 1) return of(msg('ups.power-back-brief', { ups, since, endedAt }));
  return of(msg('ups.power-back', { ups, since, endedAt, minutes }));
}

export function unreachable(ups: string, reason: string): UpsMessage {
  return of(msg('ups.unreachable', { ups, reason }));
}

export function reachable(ups: string, since: number, at: number): UpsMessage {
  const minutes = Math.max(1, Math.round((at - since) / 60_000));
  return of(msg('ups.reachable', { ups, since, minutes }));
}

export function ruleFired(
  ups: string,
  reason: RuleReason,
  stop: readonly string[],
  minutesOnBattery: number,
  runtimeSeconds: number | undefined,
): UpsMessage {
  const params = { ups, reason, containers: stop.join(', '), minutesOnBattery };
  if (reason === 'runtime-below' && runtimeSeconds !== undefined)
    return of(msg('ups.rule-fired-runtime', { ...params, minutesLeft: minutesLeftOf(runtimeSeconds) }));
  if (reason === 'low-battery') return of(msg('ups.rule-fired-low', params));
  return of(msg('ups.rule-fired', params));
}

export function ruleFailed(ups: string, stop: readonly string[], reason: string): UpsMessage {
  return of(msg('ups.rule-failed', { ups, containers: stop.join(', '), reason }));
}

export function ruleDone(ups: string, stopped: readonly string[]): UpsMessage {
  return of(msg('ups.rule-done', { ups, containers: stopped.join(', ') }));
}
