/**
 * A watcher's rounds: one runs now when asked, a request during a round runs one more right
 * after (never two at once), and the next is scheduled by `nextDelay` once a round ends.
 * Shared by the public-address and DNS watchers.
 */
export class Rounds {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private halted = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly nextDelay: () => number,
    private readonly onError: (err: unknown) => void,
  ) {}

  get stopped(): boolean {
    return this.halted;
  }

  run(): Promise<void> {
    if (this.halted) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.work()
      .catch((err) => this.onError(err))
      .finally(() => {
        this.running = undefined;
        if (this.halted) return;
        if (this.again) {
          this.again = false;
          void this.run();
        } else this.timer = setTimeout(() => void this.run(), this.nextDelay());
      });
    return this.running;
  }

  /** No more rounds; resolves when the one in flight (if any) has ended. */
  stop(): Promise<void> {
    this.halted = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.running?.catch(() => {}) ?? Promise.resolve();
  }
}
