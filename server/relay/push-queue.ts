// The relay's durable delivery queue: agent-encrypted pushes, the relay's own notices, and
// fallback-channel messages. Retries with backoff (429 honours Retry-After); a subscription the
// push service calls gone (404/410) is dropped; nothing outlives its TTL.
// Instances sharing one store each claim due rows (a lease), so each row is sent by one of them;
// what a delivery's outcome writes is retried until the store takes it, while the lease keeps the
// row from the others.
import { backoffDelay } from '../../shared/backoff.js';
import type { ChannelConfig } from '../../shared/protocol/relay-link.js';
import type { Clock } from '../clock.js';
import { describeError, type Logger } from '../log.js';
import { ChannelError, type HttpPost, type Notice, sendToChannel } from '../notify/channels.js';
import type { PushSender } from './push-sender.js';
import type { QueueRow, RelayState } from './state/state.js';
import type { StoreGuard } from './state/store-guard.js';

const RETRY = { steps: { firstMs: 1000, maxMs: 10 * 60_000 } };
const BATCH = 50;
/** Longer than any one delivery (the push request times out after 15 s); a backstop only. */
const LEASE_MS = 10 * 60_000;

export type SubscriptionGone = (
  homeId: string,
  subId: string,
  status: 'gone' | 'too-large' | 'rejected',
  detail: string,
) => void;

export interface PushQueueOptions {
  state: RelayState;
  guard: StoreGuard;
  sender: PushSender;
  post: HttpPost;
  clock: Clock;
  log: Logger;
  instance: string;
  /** When other instances' claims lapse (their heartbeat is older); null: not now. */
  staleBefore: () => number | null;
  /** Look at the store this often even unkicked (other instances enqueue too); 0: only when due. */
  pollMs: number;
  onSubscriptionProblem: SubscriptionGone;
  onDelivered?: (row: QueueRow) => void;
  onRetry?: () => void;
}

export class PushQueue {
  private wake: (() => void) | null = null;
  private kicked = false;
  private stopped = false;
  private readonly loop: Promise<void>;
  /** Outcomes sent but not yet written (the store was away): written before anything new is claimed. */
  private readonly unsettled: { what: string; write: () => Promise<void> }[] = [];

  constructor(private readonly o: PushQueueOptions) {
    this.loop = this.run();
  }

  /** Look at the queue now (something was added). */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.kicked = false;
      if (!(await this.settle())) {
        await this.sleep(1000);
        continue;
      }
      const now = this.o.clock.now();
      const rows = await this.o.guard.once('push queue', () =>
        this.o.state.claimDue(this.o.instance, now, {
          leaseMs: LEASE_MS,
          limit: BATCH,
          staleBefore: this.o.staleBefore(),
        }),
      );
      if (rows === undefined) {
        await this.sleep(1000);
        continue;
      }
      for (const row of rows) {
        if (this.stopped) return;
        try {
          await this.deliver(row);
        } catch (err) {
          this.o.log.error(`push queue: ${describeError(err)}`);
        }
      }
      if (rows.length > 0 || this.kicked) continue;
      const next = await this.o.guard.once('push queue', () => this.o.state.nextDueAt());
      let wait = next === undefined ? Number.POSITIVE_INFINITY : Math.max(50, next - this.o.clock.now());
      if (this.o.pollMs > 0) wait = Math.min(wait, this.o.pollMs);
      await this.sleep(wait);
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.kicked || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  /** Writes the outcomes the store missed; false while it is still away. */
  private async settle(): Promise<boolean> {
    while (this.unsettled.length > 0) {
      const first = this.unsettled[0]!;
      if (!(await this.write(first.what, first.write))) return false;
      this.unsettled.shift();
    }
    return true;
  }

  private async write(what: string, write: () => Promise<void>): Promise<boolean> {
    const written = await this.o.guard.once(what, async () => {
      await write();
      return true;
    });
    return written === true;
  }

  /** A delivery's outcome goes to the store now, or as soon as it is back. */
  private async record(what: string, write: () => Promise<void>): Promise<void> {
    if (!(await this.write(what, write))) this.unsettled.push({ what, write });
  }

  private done(row: QueueRow): Promise<void> {
    return this.record('push delivered', () => this.o.state.done(row.id));
  }

  private async backoff(row: QueueRow, minMs: number): Promise<void> {
    const now = this.o.clock.now();
    const wait = Math.max(minMs, backoffDelay(RETRY, row.attempts));
    if (now + wait > row.created_at + row.ttl * 1000) {
      this.o.log.warn(`giving up on a message for ${row.home_id.slice(0, 8)}: its TTL ran out`);
      return this.done(row);
    }
    return this.record('push retry', () => this.o.state.retryAt(row.id, now + wait));
  }

  private async deliver(row: QueueRow): Promise<void> {
    if (row.channel) return this.deliverToChannel(row);
    const subId = row.sub_id;
    const sub = subId
      ? await this.o.guard.once('push queue', () => this.o.state.subscription(row.home_id, subId))
      : null;
    if (sub === undefined && subId) {
      // The store went away between the claim and now: the lease keeps the row for a later pass.
      return this.record('push retry', () => this.o.state.retryAt(row.id, this.o.clock.now()));
    }
    if (!sub) return this.done(row);
    const outcome = await this.o.sender.send(
      {
        endpoint: sub.endpoint,
        body: row.body,
        ttl: row.ttl,
        urgency: row.urgency as 'normal',
        topic: row.topic ?? undefined,
      },
      this.o.clock.now(),
    );
    switch (outcome.kind) {
      case 'delivered':
        await this.done(row);
        this.o.onDelivered?.(row);
        return;
      case 'gone':
        this.o.log.info(
          `subscription ${sub.id} of ${row.home_id.slice(0, 8)} is gone (HTTP ${outcome.status}); dropped`,
        );
        await this.record('subscription gone', () => this.o.state.dropSubscription(row.home_id, sub.id));
        this.o.onSubscriptionProblem(row.home_id, sub.id, 'gone', `HTTP ${outcome.status}`);
        return;
      case 'too-large':
        await this.done(row);
        this.o.onSubscriptionProblem(row.home_id, sub.id, 'too-large', 'payload too large');
        return;
      case 'rejected':
        this.o.log.warn(`rejected for ${sub.id}: ${outcome.detail}`);
        await this.done(row);
        this.o.onSubscriptionProblem(row.home_id, sub.id, 'rejected', outcome.detail);
        return;
      case 'retry':
        this.o.log.info(
          `retry for ${sub.id}: ${outcome.detail}${outcome.afterMs ? ` (after ${outcome.afterMs} ms)` : ''}`,
        );
        this.o.onRetry?.();
        return this.backoff(row, outcome.afterMs);
    }
  }

  private async deliverToChannel(row: QueueRow): Promise<void> {
    const list = await this.o.guard.once('push queue', () =>
      this.o.state.channels<ChannelConfig>(row.home_id),
    );
    if (list === undefined)
      return this.record('push retry', () => this.o.state.retryAt(row.id, this.o.clock.now()));
    const channel = list.find((c) => c.id === row.channel);
    if (!channel) return this.done(row);
    try {
      await sendToChannel(
        channel,
        JSON.parse(row.body.toString('utf8')) as Notice,
        this.o.post,
        this.o.clock.now(),
      );
      await this.done(row);
      this.o.onDelivered?.(row);
    } catch (err) {
      const permanent = err instanceof ChannelError && err.permanent;
      this.o.log.warn(`channel ${channel.id}: ${describeError(err)}${permanent ? ' (giving up)' : ''}`);
      if (permanent) await this.done(row);
      else await this.backoff(row, 0);
    }
  }
}
