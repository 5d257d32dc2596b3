// Push over the link: the relay learns where the phones' subscriptions deliver (never their keys)
// and the fallback channels the owner marked for it, holds sealed notices for when home is dark,
// and takes due push notifications from the durable outbox — each signed and encrypted here, at
// home, to its subscription (RFC 8291) — until it acknowledges them; it reports what the push
// service said. With two relays (primary and standby) one link at a time carries all of this: the
// carrier (relay-link.ts picks it); each row goes over one link, and goes again over another only if
// the link it went over dropped before its relay acknowledged it and did not come back in PIN_MS.
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
// A row handed to a relay whose link then dropped unacknowledged waits this long for that link to
// come back (its relay drops a repeat by the row's id) before another relay carries it (which may
// then deliver it a second time, if the first relay had stored it after all).
export const PIN_MS = 10_000;

/** The link that carries push now. */
export interface PushCarrier {
  id: string;
  send(frame: AgentToRelay): void;
}

export interface PushDeliveryOptions {
  notifier: Notifier;
  /** The link that carries push now; none: rows wait in the outbox. */
  carrier(): PushCarrier | undefined;
  log: Logger;
  /** The agent's key: it signs what home says. */
  identity: Identity;
}

export interface PushDelivery {
  start(): void;
  stop(): void;
  /** A (new) carrier is up: its relay gets the subscriptions, the channels and what is due. */
  linkUp(): void;
  /** The link `id` is down: rows it took but did not acknowledge go again (see PIN_MS). */
  linkDown(id: string): void;
  /**
   * A relay that does not carry push (any more) forgets the phones' subscriptions, their sealed
   * notices and the channels: else it too would tell the phones home is offline when home goes
   * dark, or when only its own link to home is lost.
   */
  offDuty(send: (frame: AgentToRelay) => void): void;
  /** Rows the relay stored durably. */
  acked(ids: readonly number[]): void;
  status(frame: Extract<RelayToAgent, { t: 'push-status' }>): void;
  /** A power-cycle starts: the relay gets its outcome notices naming the plug. */
  sealCycle(plug: string | undefined): void;
}

export function createPushDelivery(ctx: AgentContext, opts: PushDeliveryOptions): PushDelivery {
  const { notifier, log } = opts;
  /** Row id → the link it was handed to. */
  const inFlight = new Map<number, string>();
  /** Rows whose link dropped unacknowledged: which link, and until when only that one may take them. */
  const pinned = new Map<number, { via: string; until: number }>();
  let dueTimer: ReturnType<typeof setInterval> | null = null;
  let pinTimer: ReturnType<typeof setTimeout> | null = null;
  const send = (frame: AgentToRelay) => opts.carrier()?.send(frame);

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
    if (subs.length === 0 || !opts.carrier()) return;
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

  const deliver = async (row: OutboxRow, sub: SubscriptionRecord, via: PushCarrier) => {
    const body = await signer.seal(await loaded(), sub, JSON.parse(row.payload) as PushPayload);
    via.send({
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
    const via = opts.carrier();
    if (!via) return;
    const subsById = new Map(notifier.subscriptions().map((s) => [s.id, s]));
    const gone: number[] = [];
    const now = ctx.clock.now();
    for (const row of notifier.outbox.due('push:', now)) {
      if (inFlight.has(row.id)) continue;
      const pin = pinned.get(row.id);
      if (pin && pin.via !== via.id && now < pin.until) continue;
      pinned.delete(row.id);
      const sub = subsById.get(row.target.slice('push:'.length));
      if (!sub || ctx.clock.now() > row.created_at + row.ttl * 1000) {
        gone.push(row.id);
        continue;
      }
      inFlight.set(row.id, via.id);
      deliver(row, sub, via).catch((err) => {
        log.warn(`cannot encrypt for subscription ${sub.id}: ${describeError(err)}; dropped`);
        inFlight.delete(row.id);
        notifier.outbox.remove([row.id]);
      });
    }
    if (gone.length > 0) notifier.outbox.remove(gone);
    for (const [id, pin] of pinned) if (now >= pin.until) pinned.delete(id);
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
      if (pinTimer) clearTimeout(pinTimer);
      dueTimer = null;
      pinTimer = null;
    },
    linkUp() {
      syncSubscriptions();
      syncChannels();
      flush();
    },
    linkDown(id) {
      const until = ctx.clock.now() + PIN_MS;
      for (const [row, via] of inFlight)
        if (via === id) {
          inFlight.delete(row);
          pinned.set(row, { via, until });
        }
      // Whatever carries push by then takes what the dropped link left.
      if (pinned.size > 0) {
        if (pinTimer) clearTimeout(pinTimer);
        pinTimer = setTimeout(() => {
          pinTimer = null;
          flush();
        }, PIN_MS + 50);
        pinTimer.unref();
      }
      flush();
    },
    offDuty(sendTo) {
      sendTo({ t: 'subs', subs: [] });
      sendTo({ t: 'channels', channels: [] });
    },
    acked(ids) {
      notifier.outbox.remove(ids);
      for (const id of ids) {
        inFlight.delete(id);
        pinned.delete(id);
      }
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
