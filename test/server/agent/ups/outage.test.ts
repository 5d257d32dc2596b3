// The judge of a UPS's power and the reading of ups.status, alone: the cases a dummy-ups run
// does not reach quickly (FSD, start-up during an outage, a status nobody knows).
import { describe, expect, it } from 'vitest';
import { judge, type OutageMemory } from '../../../../server/agent/ups/outage.js';
import { readingOf } from '../../../../server/agent/ups/reading.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 2, 14, 14, 2);
const ctx = { id: 'rack', name: 'Rack', timeZone: 'UTC' };

describe('reading ups.status', () => {
  it.each([
    ['OL', 'online'],
    ['OL CHRG', 'online'],
    ['OL CHRG LB', 'online'],
    ['BYPASS', 'online'],
    ['OB DISCHRG', 'on-battery'],
    ['OB LB', 'low-battery'],
    ['OL FSD', 'low-battery'],
    ['WAIT', 'unknown'],
    ['', 'unknown'],
  ])('%j is %s', (status, expected) => {
    expect(readingOf({ 'ups.status': status }).status).toBe(expected);
  });

  it('keeps the numbers it can read and drops the rest', () => {
    const r = readingOf({
      'ups.status': 'OB DISCHRG RB OVER',
      'battery.charge': '250',
      'battery.runtime': 'n/a',
      'ups.load': '41.5',
      'input.voltage': '0',
      'device.mfr': 'EATON',
      'device.model': 'EATON 5E 650i',
    });
    expect(r).toEqual({
      status: 'on-battery',
      flags: ['OB', 'DISCHRG', 'RB', 'OVER'],
      warnings: ['replace-battery', 'overload'],
      battery: 'discharging',
      charge: 100,
      load: 41.5,
      inputVoltage: 0,
      model: 'EATON 5E 650i',
    });
  });
});

describe('judging a UPS', () => {
  const step = (
    mem: OutageMemory,
    status: string,
    at: number,
    extra: Record<string, string> = {},
    rule?: object,
  ) =>
    judge(mem, readingOf({ 'ups.status': status, ...extra }), at, {
      ...ctx,
      ...(rule ? { rule } : {}),
    } as never);

  it('reports an outage found at start-up, and its low battery, in order', () => {
    const j = step({}, 'OB LB', T0, { 'battery.runtime': '125' });
    expect(j.transitions.map((t) => t.message.text)).toEqual([
      'Rack: on battery since 14:02, 2 min left',
      'Rack: battery low, 2 min left before the UPS switches off',
    ]);
  });

  it('says nothing when first seen on mains, and keeps an outage open through an unknown status', () => {
    expect(step({}, 'OL', T0).transitions).toEqual([]);
    const a = step({}, 'OB', T0);
    const b = step(a.memory, 'WAIT', T0 + 10_000);
    expect(b.transitions).toEqual([]);
    const c = step(b.memory, 'OL', T0 + 20_000);
    expect(c.transitions.map((t) => t.message.text)).toEqual([
      'Rack: back on mains after less than a minute on battery',
    ]);
    expect(c.memory).toEqual({ lastOutage: { since: T0, endedAt: T0 + 20_000 } });
  });

  it('fires the rule at low battery even before its minutes are up', () => {
    const rule = { afterMinutes: 30, stop: ['db'] };
    const a = step({}, 'OB', T0, {}, rule);
    expect(a.fire).toBeUndefined();
    const b = step(a.memory, 'OB LB', T0 + 2 * MINUTE, {}, rule);
    expect(b.fire).toMatchObject({ reason: 'low-battery', stop: ['db'], minutesOnBattery: 2 });
    expect(b.fire!.message.text).toBe('Rack: battery low, stopping db');
    expect(step(b.memory, 'OB LB', T0 + 40 * MINUTE, {}, rule).fire).toBeUndefined();
  });

  it('fires an afterMinutes: 0 rule on the first reading on battery', () => {
    const j = step({}, 'OB', T0, {}, { afterMinutes: 0, stop: ['db'] });
    expect(j.fire?.reason).toBe('after-minutes');
    expect(j.transitions.map((t) => t.kind)).toEqual(['ups.power-failed', 'ups.rule-fired']);
  });
});
