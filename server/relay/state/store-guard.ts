// The relay keeps serving when its store is away (PostgreSQL restarted, the network to it cut):
// links and streams never wait on it. What must be written is retried, in order per home, until
// it is; what can wait for the next tick is tried once. The outage is logged once when it starts
// and once when it ends, and every failed operation counts in a metric.
import { backoffDelay } from '../../../shared/backoff.js';
import type { Clock } from '../../clock.js';
import { describeError, type Logger } from '../../log.js';

const RETRY = { steps: { firstMs: 250, maxMs: 5000 } };
/**
 * A store that returns and fails again within this time (the pool's connections from before a
 * restart break one by one) is the same outage: logged once.
 */
const EPISODE_MS = 60_000;

export class StoreGuard {
  private down: { since: number; logged: boolean } | null = null;
  private lastLogged = Number.NEGATIVE_INFINITY;
  private healthySince: number;
  private readonly chains = new Map<string, Promise<void>>();
  private stopped = false;
  /** Writes waiting for the store (for tests and /healthz). */
  pending = 0;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly onError: () => void,
  ) {
    this.healthySince = clock.now();
  }

  get reachable(): boolean {
    return this.down === null;
  }

  /** How long the store has answered without a failure (0 while it is down). */
  healthyForMs(): number {
    return this.down ? 0 : this.clock.now() - this.healthySince;
  }

  /** One attempt; undefined when the store failed (already logged and counted). */
  async once<T>(what: string, op: () => Promise<T>): Promise<T | undefined> {
    try {
      const out = await op();
      this.ok();
      return out;
    } catch (err) {
      if (transient(err)) this.failed(what, err);
      else this.log.warn(`${what}: ${describeError(err)}`);
      return undefined;
    }
  }

  /**
   * Runs `op` after the earlier writes of the same key, retrying until the store takes it (or
   * the relay stops). `done` runs once, after the commit.
   */
  persist<T>(key: string, what: string, op: () => Promise<T>, done?: (out: T) => void): void {
    this.pending++;
    const prev = this.chains.get(key) ?? Promise.resolve();
    const next = prev.then(async () => {
      try {
        for (let attempt = 0; !this.stopped; attempt++) {
          try {
            const out = await op();
            this.ok();
            done?.(out);
            return;
          } catch (err) {
            if (!transient(err)) {
              // Bad data (a name PostgreSQL refuses): retrying cannot help, and the store is fine.
              this.log.warn(`${what} not stored: ${describeError(err)}`);
              return;
            }
            this.failed(what, err);
            await new Promise((r) => setTimeout(r, backoffDelay(RETRY, attempt)));
          }
        }
      } finally {
        this.pending--;
      }
    });
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
  }

  /** Resolves once every write queued so far is in (or the guard stopped). */
  async settled(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  stop(): void {
    this.stopped = true;
  }

  private ok(): void {
    if (!this.down) return;
    const seconds = Math.round((this.clock.now() - this.down.since) / 1000);
    if (this.down.logged) this.log.warn(`the store is reachable again (away ${seconds} s)`);
    this.down = null;
    this.healthySince = this.clock.now();
  }

  private failed(what: string, err: unknown): void {
    this.onError();
    if (this.down) return;
    const now = this.clock.now();
    const logged = now - this.lastLogged >= EPISODE_MS;
    this.down = { since: now, logged };
    if (!logged) return;
    this.lastLogged = now;
    this.log.error(
      `the store is unreachable (${what}: ${describeError(err)}); links and streams go on, writes are retried`,
    );
  }
}

/**
 * Whether waiting may help: the store is away or busy (connection refused or lost, server
 * shutting down, out of connections, a deadlock), not an error in the request itself.
 */
export function transient(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))
    return ['08', '40', '53', '57', '58'].includes(code.slice(0, 2));
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return code.startsWith('SQLITE_BUSY');
  return true;
}
