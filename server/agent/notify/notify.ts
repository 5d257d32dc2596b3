// Notifications: devices subscribe to Web Push over their end-to-end session; notable events are
// turned into notifications in the durable outbox — push ones leave through the relay link (which
// encrypts each to its subscription), channel ones straight from home.
import { createHash } from 'node:crypto';
import { english, fail, msg } from '../../../shared/messages/say.js';
import type { EventRecord } from '../../../shared/protocol/frames.js';
import {
  NotifyPreferences,
  NotifySubscribe,
  NotifyTest,
  NotifyUnsubscribe,
  type PushSubscriptionView,
} from '../../../shared/protocol/notify.js';
import { fetchPost, type HttpPost, type Notice } from '../../notify/channels.js';
import { defineAction } from '../actions.js';
import type { AgentContext, Capability } from '../capability.js';
import { ChannelDeliverer } from './channel-deliverer.js';
import { actorOf, type Delivery, deliveryFor, notifies, quietUntil, wants } from './policy.js';
import { OutboxRepo, type SubscriptionRecord, SubscriptionsRepo } from './repos.js';

const DEDUPE_MS = 5 * 60_000;
const RATE_WINDOW_MS = 10 * 60_000;
const RATE_MAX = 30;

export interface Notifier extends Capability {
  readonly outbox: OutboxRepo;
  subscriptions(): SubscriptionRecord[];
  /** Called when subscriptions change, so the relay link can sync them. */
  onSubscriptionsChanged(listener: () => void): void;
  /** Called when push rows are added, so the relay link can send them. */
  onPushQueued(listener: () => void): void;
  /** The relay reported a subscription gone (404/410): forget it. */
  dropSubscription(id: string): void;
}

export function createNotifier(ctx: AgentContext, opts: { post?: HttpPost } = {}): Notifier {
  const subs = new SubscriptionsRepo(ctx.db);
  const outbox = new OutboxRepo(ctx.db);
  const changed = new Set<() => void>();
  const queued = new Set<() => void>();
  const recent = new Map<string, { kind: string; at: number }>();
  const sentTimes = new Map<string, number[]>();
  const channels = () => ctx.config.notify.channels;
  const deliverer = new ChannelDeliverer(
    outbox,
    channels,
    opts.post ?? fetchPost,
    ctx.clock,
    ctx.log.child('notify'),
  );
  let unsubscribe: (() => void) | null = null;

  const publish = () => {
    const present = new Set<string>();
    for (const s of subs.list()) {
      present.add(s.id);
      const view: PushSubscriptionView = {
        deviceId: s.deviceId,
        lang: s.lang,
        kinds: s.kinds,
        createdAt: s.createdAt,
      };
      ctx.state.set('notify.subscription', s.id, view);
    }
    for (const e of ctx.state.list('notify.subscription'))
      if (!present.has(e.id)) ctx.state.remove('notify.subscription', e.id);
    for (const l of changed) l();
  };

  const underRate = (key: string, now: number) => {
    const times = (sentTimes.get(key) ?? []).filter((t) => t > now - RATE_WINDOW_MS);
    if (times.length >= RATE_MAX) return false;
    times.push(now);
    sentTimes.set(key, times);
    return true;
  };

  const enqueue = (event: EventRecord, only?: SubscriptionRecord[]) => {
    const now = ctx.clock.now();
    let pushed = false;
    const base = deliveryFor(event, ctx.config.home.name, 'en');
    // A test the user just asked for, and urgent notices, never wait for quiet hours to end.
    const notBefore = base.urgent || only ? now : (quietUntil(ctx.config.notify.quietHours, now) ?? now);
    const row = (target: string, d: Delivery, payload: unknown) =>
      outbox.add({
        created_at: now,
        not_before: notBefore,
        target,
        payload: JSON.stringify(payload),
        ttl: d.ttl,
        urgency: d.urgency,
        topic: d.topic,
      });
    const actor = actorOf(event);
    for (const s of only ?? subs.list()) {
      if (!only && !wants(s.kinds, event)) continue;
      if (!only && s.deviceId === actor) continue;
      if (!base.urgent && !underRate(s.id, now)) {
        ctx.log.warn(`too many notifications for subscription ${s.id}; dropped one (${event.kind})`);
        continue;
      }
      const d = deliveryFor(event, ctx.config.home.name, s.lang);
      row(`push:${s.id}`, d, d.payload);
      pushed = true;
    }
    if (!only)
      for (const c of channels()) {
        const notice: Notice = {
          title: base.payload.title,
          body: base.payload.body,
          priority: base.urgency === 'high' ? 'high' : 'normal',
          kind: event.kind,
        };
        row(`channel:${c.id}`, base, notice);
      }
    if (pushed) for (const l of queued) l();
    deliverer.kick();
  };

  const onEvent = (event: EventRecord) => {
    if (event.kind === 'devices.revoked' && typeof event.data?.device === 'string') {
      if (subs.removeDevice(event.data.device).length > 0) publish();
    }
    if (!notifies(event)) return;
    // The same news about the same thing within minutes is said once; other news about it in
    // between (power back, then failing again) makes the next one news again.
    const about = `${event.kind.split('.')[0]}\0${event.subject ?? ''}`;
    const last = recent.get(about);
    if (last?.kind === event.kind && event.at - last.at < DEDUPE_MS && !event.kind.startsWith('lifeline.'))
      return;
    recent.set(about, { kind: event.kind, at: event.at });
    enqueue(event);
  };

  const subscribe = defineAction(NotifySubscribe, {
    classify: () => ({ decision: 'allow' }),
    async run({ device, args }) {
      const id = createHash('sha256').update(args.endpoint).digest('base64url').slice(0, 16);
      subs.upsert({
        id,
        deviceId: device.id,
        endpoint: args.endpoint,
        p256dh: args.p256dh,
        auth: args.auth,
        lang: args.lang,
        kinds: args.kinds,
        createdAt: ctx.clock.now(),
      });
      publish();
      return { id };
    },
  });

  const own = (id: string | undefined, deviceId: string) => {
    const s = id ? subs.get(id) : undefined;
    if (!s) throw fail('not-found', msg('notify.not-found'));
    if (s.deviceId !== deviceId) throw fail('refused', msg('notify.not-yours'));
    return s;
  };

  const unsubscribeAction = defineAction(NotifyUnsubscribe, {
    classify: () => ({ decision: 'allow' }),
    async run({ device, target }) {
      subs.remove(own(target, device.id).id);
      publish();
      return { id: target };
    },
  });

  const preferences = defineAction(NotifyPreferences, {
    classify: () => ({ decision: 'allow' }),
    async run({ device, target, args }) {
      subs.setKinds(own(target, device.id).id, args.kinds);
      publish();
      return { id: target, kinds: args.kinds };
    },
  });

  const test = defineAction(NotifyTest, {
    classify: () => ({ decision: 'allow' }),
    async run({ device }) {
      const mine = subs.list().filter((s) => s.deviceId === device.id);
      if (mine.length === 0) throw fail('not-found', msg('notify.no-subscription'));
      const said = msg('notify.test-body');
      const event: EventRecord = {
        id: 0,
        at: ctx.clock.now(),
        kind: 'notify.test',
        severity: 'info',
        message: english(said),
        msg: said,
      };
      enqueue(event, mine);
      return { queued: mine.length };
    },
  });

  return {
    name: 'notify',
    actions: [subscribe, unsubscribeAction, preferences, test],
    outbox,
    subscriptions: () => subs.list(),
    onSubscriptionsChanged: (l) => changed.add(l),
    onPushQueued: (l) => queued.add(l),
    dropSubscription(id) {
      subs.remove(id);
      publish();
    },
    start() {
      publish();
      unsubscribe = ctx.events.subscribe(onEvent);
      deliverer.kick();
    },
    stop() {
      unsubscribe?.();
      deliverer.stop();
    },
  };
}
