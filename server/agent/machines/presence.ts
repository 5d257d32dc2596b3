// Keeps every host's online state current with a light probe on a jittered interval, so the
// screen shows who is up before anyone presses Wake — and many hosts never probe in lockstep.
import { jittered } from '../../../shared/backoff.js';

export interface PresenceHost {
  readonly id: string;
  readonly intervalMs: number;
}

export interface PresenceOptions {
  /** Probes one host; never rejects. */
  probe(id: string): Promise<void>;
  /** Skips a host for now (a wake in flight probes it itself). */
  busy(id: string): boolean;
  /** ±fraction of the interval. */
  jitter?: number;
  maxParallel?: number;
  random?: () => number;
}

export class PresenceLoop {
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private running = 0;
  private readonly queue: (() => void)[] = [];
  private stopped = true;

  constructor(
    private readonly hosts: readonly PresenceHost[],
    private readonly opts: PresenceOptions,
  ) {}

  start(): void {
    this.stopped = false;
    const random = this.opts.random ?? Math.random;
    // The first round is spread over a couple of seconds: all hosts at once would be a burst.
    for (const h of this.hosts) this.schedule(h, random() * Math.min(2000, h.intervalMs));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
  }

  private schedule(h: PresenceHost, delayMs: number): void {
    if (this.stopped) return;
    this.timers.set(
      h.id,
      setTimeout(() => void this.run(h), delayMs),
    );
  }

  private async run(h: PresenceHost): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.opts.busy(h.id)) await this.limited(() => this.opts.probe(h.id));
    } finally {
      const jitter = this.opts.jitter ?? 0.2;
      const random = this.opts.random ?? Math.random;
      this.schedule(h, jittered(h.intervalMs, [1 - jitter, 1 + jitter], random));
    }
  }

  private async limited(fn: () => Promise<void>): Promise<void> {
    const max = this.opts.maxParallel ?? 8;
    if (this.running >= max) await new Promise<void>((resolve) => this.queue.push(resolve));
    if (this.stopped) return;
    this.running++;
    try {
      await fn();
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}
