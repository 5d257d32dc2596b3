import { describe, expect, it } from 'vitest';
import { Backoff, backoffDelay, jittered } from '../../shared/backoff.js';

const TABLE = { steps: [1000, 2000, 4000, 8000, 15_000, 30_000] } as const;

describe('backoff', () => {
  it('walks a table attempt by attempt, then keeps repeating its last step', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((n) => backoffDelay(TABLE, n))).toEqual([
      1000, 2000, 4000, 8000, 15_000, 30_000, 30_000, 30_000,
    ]);
  });

  it('doubles from the first step up to the cap, and stays at the cap however long it fails', () => {
    const policy = { steps: { firstMs: 5000, maxMs: 300_000 } };
    expect([0, 1, 2, 5, 6, 7, 10_000].map((n) => backoffDelay(policy, n))).toEqual([
      5000, 10_000, 20_000, 160_000, 300_000, 300_000, 300_000,
    ]);
  });

  it('spreads each wait over the jitter range, never outside it', () => {
    const policy = { ...TABLE, jitter: [0.5, 1] } as const;
    expect(backoffDelay(policy, 5, () => 0)).toBe(15_000);
    expect(backoffDelay(policy, 5, () => 0.5)).toBe(22_500);
    expect(backoffDelay(policy, 5, () => 0.999_999)).toBeLessThan(30_000);
    expect(jittered(10_000, [0.8, 1.2], () => 0)).toBe(8000);
    expect(jittered(10_000, [0.8, 1.2], () => 1)).toBe(12_000);
  });

  it('counts attempts until reset, so a success starts the schedule over', () => {
    const b = new Backoff(TABLE);
    expect([b.next(), b.next(), b.next()]).toEqual([1000, 2000, 4000]);
    expect(b.attempts).toBe(3);
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.next()).toBe(1000);
  });

  it('refuses an empty table when it is made, not at the first failure', () => {
    expect(() => new Backoff({ steps: [] })).toThrow(/at least one step/);
  });
});
