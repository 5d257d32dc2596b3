// Waits between retries: they grow after each failure up to a cap, start over after a success, and
// are jittered so many phones, agents or plugs never retry in lockstep (after a relay restart, say).
// No Node or DOM APIs: the PWA uses it as the server does.

/** A factor range: each wait is its step times a uniform random number between low and high. */
export type Jitter = readonly [low: number, high: number];

/**
 * Either a table of waits, attempt by attempt (the last repeats), or a wait that doubles from
 * `firstMs` until it reaches `maxMs` and stays there.
 */
export type BackoffSteps = readonly number[] | { readonly firstMs: number; readonly maxMs: number };

export interface BackoffPolicy {
  readonly steps: BackoffSteps;
  /** Without it, every wait is exactly its step. */
  readonly jitter?: Jitter;
}

/** `ms` scaled by a random factor within the jitter range. */
export function jittered(ms: number, [low, high]: Jitter, random: () => number = Math.random): number {
  return ms * (low + (high - low) * random());
}

/** The wait before retry `attempt` (0 is the first retry), in milliseconds, not rounded. */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const step = stepOf(policy.steps, Math.max(0, Math.floor(attempt)));
  return policy.jitter ? jittered(step, policy.jitter, random) : step;
}

function stepOf(steps: BackoffSteps, attempt: number): number {
  if ('firstMs' in steps) return Math.min(steps.maxMs, steps.firstMs * 2 ** Math.min(attempt, 30));
  const step = steps[Math.min(attempt, steps.length - 1)];
  if (step === undefined) throw new RangeError('a backoff table needs at least one step');
  return step;
}

/** One retry schedule: `next()` gives the wait before the next attempt and counts it; `reset()` after a success. */
export class Backoff {
  private count = 0;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {
    stepOf(policy.steps, 0);
  }

  /** Attempts counted since the last reset. */
  get attempts(): number {
    return this.count;
  }

  next(): number {
    return backoffDelay(this.policy, this.count++, this.random);
  }

  reset(): void {
    this.count = 0;
  }
}
