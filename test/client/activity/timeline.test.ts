// Activity's grouping, as pure functions: what a user reads as one incident.
import { describe, expect, it } from 'vitest';
import { entriesOf, type Item, itemsOf, recheckInMs } from '../../../client/src/activity/timeline.js';
import type { AuditRow } from '../../../shared/protocol/activity.js';
import type { EventRecord } from '../../../shared/protocol/frames.js';

const MIN = 60_000;
let id = 0;
const event = (at: number, kind: string, severity: EventRecord['severity']): EventRecord => ({
  id: ++id,
  at,
  kind,
  severity,
  subject: 'router',
  message: kind,
  data: {},
});
const command = (at: number, action: string): AuditRow => ({
  id: ++id,
  at,
  deviceId: 'd',
  deviceName: 'phone',
  action,
  target: 'router',
  args: null,
  decision: 'allowed',
  outcome: 'ok',
  code: null,
  message: null,
  finishedAt: at,
});

const kinds = (items: Item[]) => items.map((i) => (i.type === 'event' ? i.event.kind : i.audit.action));

describe('incidents', () => {
  it('ends an incident at its recovery: trouble minutes later on the same subject is a new one', () => {
    const items = itemsOf({
      audit: [command(2 * MIN, 'power.on')],
      events: [
        event(0, 'power.changed-externally', 'critical'),
        event(3 * MIN, 'power.changed', 'info'),
        event(9 * MIN, 'power.changed-externally', 'critical'),
        event(10 * MIN, 'power.changed', 'info'),
      ],
    });
    const entries = entriesOf(items, 'all', false);
    expect(entries.map((e) => (e.type === 'incident' ? kinds(e.items) : ['single']))).toEqual([
      ['power.changed-externally', 'power.changed'],
      ['power.changed-externally', 'power.on', 'power.changed'],
    ]);
  });

  it('keeps what follows an unresolved problem in its incident', () => {
    const items = itemsOf({
      audit: [command(2 * MIN, 'power.on'), command(20 * MIN, 'power.cycle')],
      events: [event(0, 'power.offline', 'warning'), event(5 * MIN, 'power.offline', 'warning')],
    });
    const [only] = entriesOf(items, 'all', false);
    expect(only?.type === 'incident' && kinds(only.items)).toEqual([
      'power.offline',
      'power.on',
      'power.offline',
      'power.cycle',
    ]);
  });
});

describe('asking again about a request waiting for confirmation', () => {
  const waiting = (at: number): AuditRow => ({
    ...command(at, 'power.off'),
    decision: 'confirm-required',
    outcome: 'pending',
    finishedAt: null,
  });

  it('asks a second after the oldest waiting request’s minute runs out', () => {
    expect(recheckInMs([waiting(0), waiting(20_000)], 15_000)).toBe(46_000);
  });

  it('asks no more often than every 10 s, whatever the clocks say, and not at all when nothing waits', () => {
    // This device's clock is ahead of home's: the minute "ran out" long ago, home has not said so yet.
    expect(recheckInMs([waiting(0)], 10 * MIN)).toBe(10_000);
    // Behind: never longer than one minute.
    expect(recheckInMs([waiting(10 * MIN)], 0)).toBe(61_000);
    expect(recheckInMs([command(0, 'power.on')], 0)).toBeUndefined();
    expect(
      recheckInMs([{ ...waiting(0), outcome: 'refused', resolution: 'expired' }], 2 * MIN),
    ).toBeUndefined();
  });
});
