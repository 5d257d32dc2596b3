// The Activity list as a client reads it from an agent newer than itself.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { AuditRow, Timeline } from '../../../shared/protocol/activity.js';

const row = {
  id: 7,
  at: 1,
  deviceId: 'd',
  deviceName: 'phone',
  action: 'power.off',
  target: 'lamp',
  args: null,
  decision: 'confirm-required',
  outcome: 'refused',
  code: 'x',
  message: null,
  finishedAt: 2,
};

describe('activity rows', () => {
  it('reads a resolution it does not know as none, keeping the rest of the list', () => {
    const parsed = v.safeParse(Timeline, {
      audit: [
        { ...row, resolution: 'withdrawn-by-a-future-rule' },
        { ...row, id: 8, resolution: 'cancelled' },
      ],
      events: [],
    });
    if (!parsed.success) throw new Error(JSON.stringify(parsed.issues[0]?.message));
    expect(parsed.output.audit.map((r: AuditRow) => r.resolution)).toEqual([undefined, 'cancelled']);
    expect(v.parse(AuditRow, row).resolution).toBeUndefined();
  });
});
