// Sends the agent's own notices to fallback channels (ntfy, Bark, chat webhooks) straight from
// home, from the durable outbox, retrying with backoff until they go out or expire.

import type { Clock } from '../../clock.js';
import { DueRunner } from '../../due-runner.js';
import { describeError, type Logger } from '../../log.js';
import { ChannelError, type HttpPost, type Notice, sendToChannel } from '../../notify/channels.js';
import type { ChannelSettings } from './config.js';
import type { OutboxRepo } from './repos.js';

const MAX_BACKOFF_MS = 10 * 60_000;

export class ChannelDeliverer {
  private readonly runner: DueRunner;

  constructor(
    private readonly outbox: OutboxRepo,
    private readonly channels: () => readonly ChannelSettings[],
    private readonly post: HttpPost,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    this.runner = new DueRunner(
      (stopped) => this.deliverDue(stopped),
      () => this.outbox.nextDue('channel:'),
      clock,
      log,
      'channel deliveries',
    );
  }

  kick(): void {
    this.runner.kick();
  }

  stop(): void {
    this.runner.stop();
  }

  private async deliverDue(stopped: () => boolean): Promise<void> {
    for (const row of this.outbox.due('channel:', this.clock.now())) {
      if (stopped()) break;
      const channel = this.channels().find((c) => `channel:${c.id}` === row.target);
      if (!channel) {
        this.outbox.remove([row.id]);
        continue;
      }
      try {
        await sendToChannel(channel, JSON.parse(row.payload) as Notice, this.post, this.clock.now());
        this.outbox.remove([row.id]);
      } catch (err) {
        const permanent = err instanceof ChannelError && err.permanent;
        const expired = this.clock.now() > row.created_at + row.ttl * 1000;
        this.log.warn(`${describeError(err)}${permanent ? ' (giving up: fix the channel settings)' : ''}`);
        if (permanent || expired) this.outbox.remove([row.id]);
        else
          this.outbox.retryAt(row.id, this.clock.now() + Math.min(MAX_BACKOFF_MS, 2000 * 2 ** row.attempts));
      }
    }
  }
}
