// Push over the link: the relay learns where the phones' subscriptions deliver (never their keys)
// and the fallback channels the owner marked for it, holds sealed notices for when home is dark,
// and takes due push notifications from the durable outbox — each signed and encrypted here, at
// home, to its subscription (RFC 8291) — until it acknowledges them; it reports what the push
// service said.
import type WebPush from 'web-push';
import { toBase64Url } from '../../../shared/bytes.js';
import type { PushPayload } from '../../../shared/protocol/push.js';
import type { AgentToRelay, RelayToAgent } from '../../../shared/protocol/relay-link.js';
import type { Identity } from '../../../shared/session/keys.js';
import { describeError, type Logger } from '../../log.js';
import { webPush } from '../../web-push.js';
import type { AgentContext } from '../capability.js';
import type { ChannelSettings } from '../notify/config.js';
import type { Notifier } from '../notify/notify.js';
import type { OutboxRow, SubscriptionRecord } from '../notify/repos.js';
import { PushSigner } from './push-signer.js';
import { sealNotices } from './sealed-notices.js';

// Rows held by quiet hours become due later; look again every half minute.
const DUE_POLL_MS = 30_000;

export interface PushDeliveryOptions {
  notifier: Notifier;
  send(frame: AgentToRelay): void;
  /** Whether the link is up (rows are handed over only then). */
  isUp(): boolean;
  log: Logger;
  /** The agent's key: it signs what home says. */
  identity: Identity;
}

export interface PushDelivery {
  start(): void;
  stop(): void;
  /** The link is up: the relay gets the subscriptions, the channels and what is due. */
  linkUp(): void;
  /** The link is down: rows sent but not acknowledged go again on the next link. */
  linkDown(): void;
  /** Rows the relay stored durably. */
  acked(ids: readonly number[]): void;
  status(frame: Extract<RelayToAgent, { t: 'push-status' }>): void;
  /** A power-cycle starts: the relay gets its outcome notices naming the plug. */
  sealCycle(plug: string | undefined): void;
}

export function createPushDelivery(ctx: AgentContext, opts: PushDeliveryOptions): PushDelivery {
  const { notifier, send, log } = opts;
  const inFlight = new Set<number>();
  let dueTimer: ReturnType<typeof setInterval> | null = null;

  const signer = new PushSigner(ctx.kv, opts.identity);
  // web-push loads with the first row to send or notice to seal (a home with no subscribed phone
  // never needs it).
  let webpush: typeof WebPush | undefined;
  const loaded = async () => {
    webpush ??= await webPush();
    return webpush;
  };

  const seal = (plug: string | undefined, cycleOnly = false) => {
    const subs = notifier.subscriptions();
    if (subs.length === 0 || !opts.isUp()) return;
    void (async () => {
      const frames = await sealNotices(subs, {
        webpush: await loaded(),
        signer,
        home: ctx.config.home.name,
        now: ctx.clock.now(),
        plug,
        cycleOnly,
      });
      for (const f of frames) send(f);
    })().catch((err) => log.warn(`could not seal notices for the relay: ${describeError(err)}`));
  };

  const syncSubscriptions = () => {
    send({ t: 'subs', subs: notifier.subscriptions().map((s) => ({ id: s.id, endpoint: s.endpoint })) });
    seal(undefined);
  };

  // Only channels the owner marked for the relay: it sees their tokens and every notice it sends.
  const syncChannels = () =>
    send({
      t: 'channels',
      channels: ctx.config.notify.channels
        .filter((c: ChannelSettings) => c.relay)
        .map((c: ChannelSettings) => ({
          id: c.id,
          type: c.type,
          url: c.url,
          ...(c.token ? { token: c.token } : {}),
          ...(c.chat ? { chat: c.chat } : {}),
          ...(c.secret ? { secret: c.secret } : {}),
        })),
    });

  const deliver = async (row: OutboxRow, sub: SubscriptionRecord) => {
    const body = await signer.seal(await loaded(), sub, JSON.parse(row.payload) as PushPayload);
    send({
      t: 'deliver',
      id: row.id,
      sub: sub.id,
      body: toBase64Url(body),
      ttl: Math.max(0, Math.round(row.ttl - (ctx.clock.now() - row.created_at) / 1000)),
      urgency: row.urgency,
      ...(row.topic ? { topic: row.topic } : {}),
    });
  };
  const flush = () => {
    if (!opts.isUp()) return;
    const subsById = new Map(notifier.subscriptions().map((s) => [s.id, s]));
    const gone: number[] = [];
    for (const row of notifier.outbox.due('push:', ctx.clock.now())) {
      if (inFlight.has(row.id)) continue;
      const sub = subsById.get(row.target.slice('push:'.length));
      if (!sub || ctx.clock.now() > row.created_at + row.ttl * 1000) {
        gone.push(row.id);
        continue;
      }
      inFlight.add(row.id);
      deliver(row, sub).catch((err) => {
        log.warn(`cannot encrypt for subscription ${sub.id}: ${describeError(err)}; dropped`);
        inFlight.delete(row.id);
        notifier.outbox.remove([row.id]);
      });
    }
    if (gone.length > 0) notifier.outbox.remove(gone);
  };

  return {
    start() {
      notifier.onSubscriptionsChanged(syncSubscriptions);
      notifier.onPushQueued(flush);
      dueTimer = setInterval(flush, DUE_POLL_MS);
      dueTimer.unref();
    },
    stop() {
      if (dueTimer) clearInterval(dueTimer);
      dueTimer = null;
    },
    linkUp() {
      syncSubscriptions();
      syncChannels();
      flush();
    },
    linkDown() {
      inFlight.clear();
    },
    acked(ids) {
      notifier.outbox.remove(ids);
      for (const id of ids) inFlight.delete(id);
    },
    status(frame) {
      if (frame.status === 'gone') {
        log.info(`push subscription ${frame.sub} is gone; removed`);
        notifier.dropSubscription(frame.sub);
      } else if (frame.status !== 'delivered')
        log.warn(`push to ${frame.sub}: ${frame.status} ${frame.detail ?? ''}`);
    },
    sealCycle(plug) {
      seal(plug, true);
    },
  };
}
