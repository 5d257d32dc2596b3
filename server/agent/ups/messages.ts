// Every sentence the UPS monitor says, in one place: a key and params for the catalogues
// (en, zh-Hans, zh-Hant) and the English default. Times go out as epoch ms in params, so a
// phone can show them in its own zone; the English text uses the agent's.

export interface UpsMessage {
  key: string;
  params: Record<string, string | number>;
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

export function powerFailed(
  ups: string,
  since: number,
  runtimeSeconds: number | undefined,
  tz?: string,
): UpsMessage {
  const at = clockTime(since, tz);
  if (runtimeSeconds === undefined)
    return { key: 'ups.power-failed', params: { ups, since }, text: `${ups}: on battery since ${at}` };
  const minutesLeft = minutesLeftOf(runtimeSeconds);
  return {
    key: 'ups.power-failed-runtime',
    params: { ups, since, minutesLeft },
    text: `${ups}: on battery since ${at}, ${minutesLeft} min left`,
  };
}

export function lowBattery(ups: string, runtimeSeconds: number | undefined): UpsMessage {
  if (runtimeSeconds === undefined)
    return {
      key: 'ups.low-battery',
      params: { ups },
      text: `${ups}: battery low, the UPS will switch off soon`,
    };
  const minutesLeft = minutesLeftOf(runtimeSeconds);
  return {
    key: 'ups.low-battery-runtime',
    params: { ups, minutesLeft },
    text: `${ups}: battery low, ${minutesLeft} min left before the UPS switches off`,
  };
}

export function powerBack(ups: string, since: number, endedAt: number): UpsMessage {
  const minutes = Math.round((endedAt - since) / 60_000);
  if (minutes < 1)
    return {
      key: 'ups.power-back-brief',
      params: { ups, since, endedAt },
      text: `${ups}: back on mains after less than a minute on battery`,
    };
  return {
    key: 'ups.power-back',
    params: { ups, since, endedAt, minutes },
    text: `${ups}: back on mains after ${minutes} min on battery`,
  };
}

export function unreachable(ups: string, reason: string): UpsMessage {
  return { key: 'ups.unreachable', params: { ups, reason }, text: `${ups}: cannot read the UPS: ${reason}` };
}

export function reachable(ups: string, since: number, at: number): UpsMessage {
  const minutes = Math.max(1, Math.round((at - since) / 60_000));
  return {
    key: 'ups.reachable',
    params: { ups, since, minutes },
    text: `${ups}: the UPS can be read again, after ${minutes} min`,
  };
}

export function ruleFired(
  ups: string,
  reason: RuleReason,
  stop: readonly string[],
  minutesOnBattery: number,
  runtimeSeconds: number | undefined,
): UpsMessage {
  const containers = stop.join(', ');
  const params = { ups, reason, containers, minutesOnBattery };
  if (reason === 'runtime-below' && runtimeSeconds !== undefined) {
    const minutesLeft = minutesLeftOf(runtimeSeconds);
    return {
      key: 'ups.rule-fired-runtime',
      params: { ...params, minutesLeft },
      text: `${ups}: ${minutesLeft} min of battery left, stopping ${containers}`,
    };
  }
  if (reason === 'low-battery')
    return { key: 'ups.rule-fired-low', params, text: `${ups}: battery low, stopping ${containers}` };
  return {
    key: 'ups.rule-fired',
    params,
    text: `${ups}: on battery for ${minutesOnBattery} min, stopping ${containers}`,
  };
}

export function ruleFailed(ups: string, stop: readonly string[], reason: string): UpsMessage {
  const containers = stop.join(', ');
  return {
    key: 'ups.rule-failed',
    params: { ups, containers, reason },
    text: `${ups}: could not stop ${containers}: ${reason}`,
  };
}
