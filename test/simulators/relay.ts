// The state every simulated plug keeps: its relay, power draw, a device-side timer that flips the
// relay by itself, and the faults a real device shows (silence, garbage, the "cabinet" that stops
// answering the moment it cuts its own network).

export type Fault = 'none' | 'silent' | 'garbage';

export interface RelayOptions {
  on?: boolean;
  /** Watts drawn while on. */
  watts?: number;
  /** Powers its own network: answers nothing while off (the lifeline scenario). */
  cabinet?: boolean;
  /** A cabinet whose network dies before even the reply to the switching request gets out. */
  loseReplyWhenDark?: boolean;
}

export class SimRelay {
  on: boolean;
  watts: number;
  cabinet: boolean;
  loseReplyWhenDark: boolean;
  fault: Fault = 'none';
  timer:
    | { revertsTo: boolean; startedAt: number; seconds: number; handle: ReturnType<typeof setTimeout> }
    | undefined;
  /** Every switch, in order, with who did it: a test can prove an "off" never happened. */
  readonly history: { at: number; on: boolean; source: string }[] = [];
  private readonly listeners = new Set<(on: boolean, source: string) => void>();

  constructor(opts: RelayOptions = {}) {
    this.on = opts.on ?? true;
    this.watts = opts.watts ?? 12.5;
    this.cabinet = opts.cabinet ?? false;
    this.loseReplyWhenDark = opts.loseReplyWhenDark ?? false;
  }

  get power(): number {
    return this.on ? this.watts : 0;
  }

  /** Whether the device can hear and answer a request right now. */
  get answering(): boolean {
    return this.fault !== 'silent' && !(this.cabinet && !this.on);
  }

  set(on: boolean, source: string): void {
    if (source !== 'timer') this.clearTimer();
    if (this.on === on) return;
    this.on = on;
    this.history.push({ at: Date.now(), on, source });
    for (const l of this.listeners) l(on, source);
  }

  /** Switch now, and back after `seconds`, on the device's own clock. */
  timed(now: boolean, seconds: number, source: string): void {
    this.set(now, source);
    this.clearTimer();
    const revertsTo = !now;
    this.timer = {
      revertsTo,
      startedAt: Date.now(),
      seconds,
      handle: setTimeout(() => {
        this.timer = undefined;
        this.set(revertsTo, 'timer');
      }, seconds * 1000),
    };
  }

  /** Someone pressed the button on the plug (a change made outside Lifeline). */
  press(): void {
    this.set(!this.on, 'button');
  }

  offs(): number {
    return this.history.filter((h) => !h.on).length;
  }

  onChange(listener: (on: boolean, source: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clearTimer(): void {
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = undefined;
  }

  close(): void {
    this.clearTimer();
    this.listeners.clear();
  }
}
