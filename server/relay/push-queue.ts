// The relay's durable delivery queue: agent-encrypted pushes, the relay's own notices, and
// fallback-channel messages. Retries with backoff (429 honours Retry-After); a subscription the
// push service calls gone (404/410) is dropped; nothing outlives its TTL.
import { backoffDelay } from '../../shared/backoff.js';
import type { ChannelConfig } from '../../shared/protocol/relay-link.js';
import type { Clock } from '../clock.js';
import { DueRunner } from '../due-runner.js';
import { describeError, type Logger } from '../log.js';
import { ChannelError, type HttpPost, type Notice, sendToChannel } from '../notify/channels.js';
import type { PushSender } from './push-sender.js';
import type { QueueRow, RelayStore } from './store.js';

const RETRY = { steps: { firstMs: 1000, maxMs: 10 * 60_000 } };

export type SubscriptionGone = (
  homeId: string,
  subId: string,
  status: 'gone' | 'too-large' | 'rejected',
  detail: string,
) => void;

export class PushQueue {
  private readonly runner: DueRunner;

  constructor(
    private readonly store: RelayStore,
    private readonly sender: PushSender,
    private readonly post: HttpPost,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly onSubscriptionProblem: SubscriptionGone,
    private readonly onDelivered: (row: QueueRow) => void = () => {},
    private readonly onRetry: () => void = () => {},
  ) {
    this.runner = new DueRunner(
      async (stopped) => {
        for (;;) {
          const rows = this.store.due(this.clock.now());
          if (rows.length === 0 || stopped()) return;
          for (const row of rows) await this.deliver(row);
        }
      },
      () => this.store.nextDueAt(),
      clock,
      log,
      'push queue',
    );
  }

  /** Look at the queue now (something was added). */
  kick(): void {
    this.runner.kick();
  }

  stop(): void {
    this.runner.stop();
  }

  private backoff(row: QueueRow, minMs: number): void {
    const now = this.clock.now();
    const wait = Math.max(minMs, backoffDelay(RETRY, row.attempts));
    if (now + wait > row.created_at + row.ttl * 1000) {
      this.log.warn(`giving up on a message for ${row.home_id.slice(0, 8)}: its TTL ran out`);
      this.store.done(row.id);
      return;
    }
    this.store.retryAt(row.id, now + wait);
  }

  private async deliver(row: QueueRow): Promise<void> {
    if (row.channel) return this.deliverToChannel(row);
    const sub = row.sub_id ? this.store.subscription(row.home_id, row.sub_id) : undefined;
    if (!sub) {
      this.store.done(row.id);
      return;
    }
    const outcome = await this.sender.send(
      {
        endpoint: sub.endpoint,
        body: row.body,
        ttl: row.ttl,
        urgency: row.urgency as 'normal',
        topic: row.topic ?? undefined,
      },
      this.clock.now(),
    );
    switch (outcome.kind) {
      case 'delivered':
        this.store.done(row.id);
        this.onDelivered(row);
        return;
      case 'gone':
        this.log.info(
          `subscription ${sub.id} of ${row.home_id.slice(0, 8)} is gone (HTTP ${outcome.status}); dropped`,
        );
        this.store.dropSubscription(row.home_id, sub.id);
        this.onSubscriptionProblem(row.home_id, sub.id, 'gone', `HTTP ${outcome.status}`);
        return;
      case 'too-large':
        this.store.done(row.id);
        this.onSubscriptionProblem(row.home_id, sub.id, 'too-large', 'payload too large');
        return;
      case 'rejected':
        this.log.warn(`rejected for ${sub.id}: ${outcome.detail}`);
        this.store.done(row.id);
        this.onSubscriptionProblem(row.home_id, sub.id, 'rejected', outcome.detail);
        return;
      case 'retry':
        this.log.info(
          `retry for ${sub.id}: ${outcome.detail}${outcome.afterMs ? ` (after ${outcome.afterMs} ms)` : ''}`,
        );
        this.onRetry();
        this.backoff(row, outcome.afterMs);
        return;
    }
  }

  private async deliverToChannel(row: QueueRow): Promise<void> {
    const channel = this.store.channels<ChannelConfig>(row.home_id).find((c) => c.id === row.channel);
    if (!channel) {
      this.store.done(row.id);
      return;
    }
    try {
      await sendToChannel(
        channel,
        JSON.parse(row.body.toString('utf8')) as Notice,
        this.post,
        this.clock.now(),
      );
      this.store.done(row.id);
      this.onDelivered(row);
    } catch (err) {
      const permanent = err instanceof ChannelError && err.permanent;
      this.log.warn(`channel ${channel.id}: ${describeError(err)}${permanent ? ' (giving up)' : ''}`);
      if (permanent) this.store.done(row.id);
      else this.backoff(row, 0);
    }
  }
}
