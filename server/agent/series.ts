// A short history of timed values in a fixed ring: rates come from the last two points, growth from
// the oldest point still inside the window.

export interface Point<T> {
  at: number;
  value: T;
}

export class Series<T> {
  private readonly ring: (Point<T> | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array(Math.max(2, capacity));
  }

  push(at: number, value: T): void {
    this.ring[this.next] = { at, value };
    this.next = (this.next + 1) % this.ring.length;
    this.count = Math.min(this.count + 1, this.ring.length);
  }

  get size(): number {
    return this.count;
  }

  /** 0 is the newest, 1 the one before, … */
  back(n: number): Point<T> | undefined {
    if (n >= this.count) return undefined;
    return this.ring[(this.next - 1 - n + this.ring.length * 2) % this.ring.length];
  }

  latest(): Point<T> | undefined {
    return this.back(0);
  }

  /** The oldest point no older than `since`. */
  oldestSince(since: number): Point<T> | undefined {
    let found: Point<T> | undefined;
    for (let i = 0; i < this.count; i++) {
      const p = this.back(i)!;
      if (p.at < since) break;
      found = p;
    }
    return found;
  }
}
