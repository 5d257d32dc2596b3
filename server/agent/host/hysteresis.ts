// One threshold with hysteresis and sustain times: it alerts only after the value has stayed past
// `alert` for `forMs`, and clears only after it has stayed past `clear` for `clearMs`. Between the
// two thresholds nothing changes, so a value wobbling around one line never flaps.

export interface Thresholds {
  direction: 'above' | 'below';
  alert: number;
  clear: number;
  forMs: number;
  clearMs: number;
}

export type Phase = 'ok' | 'pending' | 'alert' | 'clearing';

export interface ThresholdState {
  phase: Phase;
  /** When the value first crossed `alert` (pending), or when the alert began (alert, clearing). */
  since: number;
  /** When the alert fired. */
  alertedAt: number;
  /** When the value first crossed back past `clear` (clearing). */
  clearingSince: number;
}

export const initialState = (): ThresholdState => ({ phase: 'ok', since: 0, alertedAt: 0, clearingSince: 0 });

/** Advances one state by one reading; `fired` says whether this step raised or cleared the alert. */
export function step(
  s: ThresholdState,
  value: number | null,
  now: number,
  t: Thresholds,
): { state: ThresholdState; fired: 'alert' | 'clear' | null } {
  // No reading says nothing: a pending alert starts over, a raised one stays as it is.
  if (value === null) return { state: s.phase === 'pending' ? initialState() : s, fired: null };
  const crossed = t.direction === 'above' ? value >= t.alert : value <= t.alert;
  const cleared = t.direction === 'above' ? value < t.clear : value > t.clear;
  switch (s.phase) {
    case 'ok':
      if (!crossed) return { state: s, fired: null };
      return step({ ...s, phase: 'pending', since: now }, value, now, t);
    case 'pending':
      if (!crossed) return { state: initialState(), fired: null };
      if (now - s.since < t.forMs) return { state: s, fired: null };
      return { state: { ...s, phase: 'alert', alertedAt: now }, fired: 'alert' };
    case 'alert':
      if (!cleared) return { state: s, fired: null };
      return step({ ...s, phase: 'clearing', clearingSince: now }, value, now, t);
    case 'clearing':
      if (!cleared) return { state: { ...s, phase: 'alert' }, fired: null };
      if (now - s.clearingSince < t.clearMs) return { state: s, fired: null };
      return { state: initialState(), fired: 'clear' };
  }
}
