// The agent's line out of the house: one outbound WebSocket to the relay that needs no DDNS, open
// port or VPN — or two, to a primary and a standby relay, so phones find home through whichever
// answers. Each link (one-link.ts) is its own socket, backoff, authentication and streams; the
// home's push notifications from the durable outbox (push-delivery.ts) go over one link at a time,
// the carrier: the primary while its link is up, else the standby. Here: which link carries push,
// power-cycle notices to every relay, and the links' state for `lifeline check`.
import type { Identity } from '../../../shared/session/keys.js';
import type { AgentContext, Capability, CheckRow } from '../capability.js';
import type { Notifier } from '../notify/notify.js';
import type { SessionHub } from '../session-hub.js';
import { createOneLink, type OneLink, type PushFrame } from './one-link.js';
import type { TlsStreamSink } from './passthrough-streams.js';
import { createPushDelivery } from './push-delivery.js';

/** The primary's VAPID key as last seen: what phones subscribed with. */
const PRIMARY_VAPID_KEY = 'relay.primaryVapidKey';

export interface RelayLinkOptions {
  /** ws(s):// or http(s):// base of the relay. Resolved lazily: the embedded relay's port is known only after listen. */
  url: () => string;
  /** A second relay (relay.standby): linked to as well; carries push only while the primary's link is down. */
  standby?: () => string;
  identity: Identity;
  hub: SessionHub;
  notifier: Notifier;
  heartbeatMs: number;
  /** Names the relay should pass phones' TLS through for (the agent's certificate's name). */
  names?: () => readonly string[];
  /** Where passed-through TLS goes (the agent's HTTPS side); absent: such streams are refused. */
  tls?: () => TlsStreamSink | undefined;
}

export function createRelayLink(
  ctx: AgentContext,
  opts: RelayLinkOptions,
): Capability & { readonly connected: boolean } {
  const log = ctx.log.child('relay-link');
  const unsub: (() => void)[] = [];
  let carrier: OneLink | undefined;
  let vapidWarned = false;

  const common = {
    identity: opts.identity,
    hub: opts.hub,
    heartbeatMs: opts.heartbeatMs,
    ...(opts.names ? { names: opts.names } : {}),
    ...(opts.tls ? { tls: opts.tls } : {}),
  };
  const events = {
    up: (link: OneLink) => {
      if (link === primary && link.info.vapidPublicKey)
        ctx.kv.set(PRIMARY_VAPID_KEY, link.info.vapidPublicKey);
      choose();
      // Up again and not carrying: it may still hold what it was given when it last carried.
      if (link !== carrier) push.offDuty(link.send);
    },
    down: (link: OneLink) => {
      push.linkDown(link.id);
      choose();
    },
    push: (_link: OneLink, frame: PushFrame) => {
      if (frame.t === 'ack') push.acked(frame.ids);
      else push.status(frame);
    },
  };
  const primary = createOneLink(ctx, { ...common, id: 'link', url: opts.url }, events);
  const standby = opts.standby
    ? createOneLink(ctx, { ...common, id: 'standby', url: opts.standby }, events)
    : undefined;
  const links = standby ? [primary, standby] : [primary];
  ctx.metrics.relayLinks(() =>
    links.map((l) => ({ role: l === primary ? 'primary' : 'standby', up: l.isUp })),
  );

  // Phones subscribed with the primary's VAPID key; a standby with another key cannot deliver to
  // them (the push service refuses it), so push then waits in the outbox for the primary.
  const mayCarry = (link: OneLink) => {
    if (link === primary) return true;
    const known = ctx.kv.get<string>(PRIMARY_VAPID_KEY);
    const ok = !known || known === link.info.vapidPublicKey;
    if (!ok && !vapidWarned) {
      vapidWarned = true;
      log.warn('the standby relay has other VAPID keys than the primary: push waits for the primary');
    }
    return ok;
  };

  /** The primary while its link is up, else the standby: the one link that carries push. */
  const choose = () => {
    const next = links.find((l) => l.isUp && mayCarry(l));
    const changed = next !== carrier;
    carrier = next;
    if (changed) for (const l of links) if (l.isUp && l !== next) push.offDuty(l.send);
    if (changed && next) {
      if (links.length > 1)
        log.info(`push goes through the ${next === primary ? 'primary' : 'standby'} relay`);
      push.linkUp();
    }
  };

  const push = createPushDelivery(ctx, {
    notifier: opts.notifier,
    carrier: () => (carrier?.isUp ? carrier : undefined),
    log,
    identity: opts.identity,
  });

  // A lifeline power-cycle may take home off the air: the relays should expect it, not raise an alarm.
  const onEvent = (kind: string, data: Record<string, unknown> | undefined) => {
    if (kind !== 'lifeline.cycle-started' || typeof data?.expectBackAt !== 'number') return;
    const what = typeof data.name === 'string' ? `power-cycle of ${data.name}` : 'lifeline power-cycle';
    for (const l of links) l.send({ t: 'expect', until: data.expectBackAt, what });
    push.sealCycle(typeof data.name === 'string' ? data.name : undefined);
  };

  return {
    name: 'relay-link',
    actions: [],
    get connected() {
      return links.some((l) => l.isUp);
    },
    start() {
      push.start();
      unsub.push(ctx.events.subscribe((e) => onEvent(e.kind, e.data)));
      for (const l of links) l.start();
    },
    stop() {
      for (const u of unsub.splice(0)) u();
      push.stop();
      for (const l of links) l.stop();
      carrier = undefined;
    },
    async check(): Promise<CheckRow[]> {
      return Promise.all([primary.check('relay'), ...(standby ? [standby.check('relay standby')] : [])]);
    },
  };
}
