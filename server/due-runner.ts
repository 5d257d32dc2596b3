import type { Clock } from './clock.js';
import { describeError, type Logger } from './log.js';

/**
 * Runs a durable queue's work when something is due: at once when kicked, then again when the
 * next item comes due. One pass at a time; stop() leaves no timer behind. Used by the relay's push
 * queue and the agent's channel deliveries.
 */
export class DueRunner {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private stopped = false;

  constructor(
    /** Does what is due now; returns when nothing more is due. */
    private readonly work: (isStopped: () => boolean) => Promise<void>,
    /** When the next item comes due (epoch ms), if any. */
    private readonly nextDue: () => number | undefined,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  kick(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), 0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async run(): Promise<void> {
    this.timer = null;
    if (this.running || this.stopped) return;
    this.running = true;
    try {
      await this.work(() => this.stopped);
    } catch (err) {
      this.log.error(`${this.what}: ${describeError(err)}`);
    } finally {
      this.running = false;
    }
    if (this.stopped) return;
    const next = this.nextDue();
    if (next !== undefined)
      this.timer = setTimeout(() => void this.run(), Math.max(50, next - this.clock.now()));
  }
}
