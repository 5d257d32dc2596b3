/** Time enters through this seam so tests can run timers and challenges deterministically. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
