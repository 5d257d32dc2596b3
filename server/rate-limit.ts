import type { Clock } from './clock.js';

/** Sliding-window counter per key: at most `limit` hits in `windowMs`. Memory stays bounded. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
    private readonly maxKeys = 10_000,
  ) {}

  /** True while the key is under its limit (does not count a hit). */
  allowed(key: string): boolean {
    return this.recent(key).length < this.limit;
  }

  hit(key: string): void {
    const list = this.recent(key);
    list.push(this.clock.now());
    this.hits.set(key, list);
    if (this.hits.size > this.maxKeys) {
      const oldest = this.hits.keys().next().value;
      if (oldest !== undefined) this.hits.delete(oldest);
    }
  }

  /**
   * Counts a hit if it is within the limit, and says whether it was. A refused attempt is not
   * counted: a source that keeps knocking is held at the limit, not locked out for as long as it
   * knocks, and its list never grows past `limit` (a flood would otherwise make every check slower).
   */
  take(key: string): boolean {
    if (!this.allowed(key)) return false;
    this.hit(key);
    return true;
  }

  /** Takes back the newest hit of a key: what it counted turned out not to be what the limit is for. */
  refund(key: string): void {
    const list = this.recent(key);
    list.pop();
    if (list.length > 0) this.hits.set(key, list);
    else this.hits.delete(key);
  }

  /** Hits within the window. */
  count(key: string): number {
    return this.recent(key).length;
  }

  /** How long until the key is under its limit again (0 when it is now). */
  retryAfterMs(key: string): number {
    const list = this.recent(key);
    if (list.length < this.limit) return 0;
    return Math.max(0, list[list.length - this.limit]! + this.windowMs - this.clock.now());
  }

  private recent(key: string): number[] {
    const cutoff = this.clock.now() - this.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > cutoff);
    if (list.length === 0) this.hits.delete(key);
    return list;
  }
}
