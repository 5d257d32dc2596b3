// Bounded exponential backoff with jitter: retries never stop, and never wait longer than the cap.
export function backoffMs(failures: number, firstMs: number, maxMs: number, random = Math.random): number {
  const step = Math.min(maxMs, firstMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return Math.round(step * (0.8 + 0.4 * random()));
}
