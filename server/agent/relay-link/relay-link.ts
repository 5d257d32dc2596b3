// The agent's line out of the house: one outbound WebSocket to the relay that needs no DDNS, open
// port or VPN. Composed of its socket (reconnects, heartbeat: link-socket.ts), its authentication
// with the agent's key (link-auth.ts), the client sessions it carries, which the relay sees only as
// ciphertext (forwarded-sessions.ts), phones' TLS connections it passes through to the agent's
// HTTPS side (passthrough-streams.ts), and push notifications from the durable outbox
// (push-delivery.ts). Here: what the relay's frames are for, and the link's state for the screens.
import { parseControl, RelayToAgent } from '../../../shared/protocol/relay-link.js';
import type { RelayLinkInfo } from '../../../shared/protocol/vocabulary.js';
import type { Identity } from '../../../shared/session/keys.js';
import type { AgentContext, Capability, CheckRow } from '../capability.js';
import type { Notifier } from '../notify/notify.js';
import type { SessionHub } from '../session-hub.js';
import { createForwardedSessions } from './forwarded-sessions.js';
import { createLinkAuth, originOf, probeRelay } from './link-auth.js';
import { createLinkRoute } from './link-route.js';
import { createLinkSocket, linkUrl } from './link-socket.js';
import { createPassthroughStreams, type TlsStreamSink } from './passthrough-streams.js';
import { createPushDelivery } from './push-delivery.js';

export interface RelayLinkOptions {
  /** ws(s):// or http(s):// base of the relay. Resolved lazily: the embedded relay's port is known only after listen. */
  url: () => string;
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
  let info: RelayLinkInfo = { connected: false, url: '', since: ctx.clock.now() };
  const publish = (patch: Partial<RelayLinkInfo>) => {
    info = { ...info, ...patch };
    ctx.state.set('relay', 'link', info);
  };
  const unsub: (() => void)[] = [];
  let auth: (text: string) => boolean = () => false;
  const route = createLinkRoute(() => opts.names?.()[0]);

  const socket = createLinkSocket(
    {
      url: opts.url,
      heartbeatMs: opts.heartbeatMs,
      dialOptions: route.dialOptions,
      clock: ctx.clock,
      log,
    },
    {
      connecting(url) {
        info.url = url;
        auth = createLinkAuth(
          {
            identity: opts.identity,
            homeId: ctx.homeId,
            homeName: () => ctx.config.home.name,
            origin: originOf(url),
            names: opts.names?.() ?? [],
            send,
            log,
          },
          {
            welcome: (w) => {
              if (!route.relinkByName(url, w.route))
                return up(url, w.observedAddress, w.vapidPublicKey, w.names, w.heartbeatSeconds);
              log.info(`${url} routes links by name: linking again as ${opts.names?.()[0]}`);
              socket.redial('the relay routes links by the home’s name');
            },
            fail: (why) => socket.fail(why),
          },
        );
      },
      text(text) {
        if (auth(text)) control(text);
      },
      binary: (data) => {
        if (!pipes.data(data)) sessions.data(data);
      },
      down(why, wasUp) {
        route.unwatch();
        push.linkDown();
        sessions.endAll();
        pipes.endAll();
        publish({ connected: false, since: wasUp ? ctx.clock.now() : info.since, lastError: why });
      },
      invalidUrl: () => publish({ connected: false, lastError: 'invalid relay URL' }),
    },
  );
  const send = socket.send;
  const sessions = createForwardedSessions({
    hub: opts.hub,
    sendData: socket.sendBinary,
    sendClose: (sid, code, reason) => send({ t: 'close', sid, code, reason }),
    sendSeated: (sid) => send({ t: 'seated', sid }),
  });
  const push = createPushDelivery(ctx, {
    notifier: opts.notifier,
    send,
    isUp: () => socket.isUp,
    log,
    identity: opts.identity,
  });
  const pipes = createPassthroughStreams({
    sink: () => opts.tls?.(),
    sendData: socket.sendBinary,
    send,
  });

  const up = (
    url: string,
    observedAddress: string,
    vapidPublicKey: string,
    names?: string[],
    heartbeatSeconds?: number,
  ) => {
    // The relay says how often it needs to hear from us; our own setting is for relays that do not.
    socket.up(
      heartbeatSeconds !== undefined ? Math.min(opts.heartbeatMs, heartbeatSeconds * 1000) : undefined,
    );
    log.info(`connected to ${url} (seen from ${observedAddress})`);
    route.watch(url, () => socket.redial('phones dialling this home’s name reach another relay instance'));
    const asked = opts.names?.() ?? [];
    const missing = asked.filter((n) => !names?.includes(n));
    if (missing.length > 0)
      log.warn(`the relay does not pass TLS through for ${missing.join(', ')} (another home holds it?)`);
    publish({
      connected: true,
      url,
      since: ctx.clock.now(),
      observedAddress,
      vapidPublicKey,
      names: names ?? [],
      lastError: undefined,
    });
    push.linkUp();
  };

  const control = (text: string) => {
    const frame = parseControl(RelayToAgent, text);
    if (!frame) {
      log.info('ignored an invalid control frame from the relay');
      return;
    }
    switch (frame.t) {
      case 'open':
        if (frame.kind === 'tls') return pipes.open(frame.sid, frame.source, frame.name ?? '');
        return sessions.open(frame.sid, frame.source);
      case 'close':
        if (pipes.closed(frame.sid)) return;
        return sessions.closed(frame.sid, frame.code, frame.reason);
      case 'credit':
        return pipes.credit(frame.sid, frame.n);
      case 'ack':
        return push.acked(frame.ids);
      case 'push-status':
        return push.status(frame);
      case 'pong':
      case 'challenge':
      case 'welcome':
      case 'refused':
        return;
    }
  };

  // A lifeline power-cycle may take home off the air: the relay should expect it, not raise an alarm.
  const onEvent = (kind: string, data: Record<string, unknown> | undefined) => {
    if (kind !== 'lifeline.cycle-started' || typeof data?.expectBackAt !== 'number') return;
    const what = typeof data.name === 'string' ? `power-cycle of ${data.name}` : 'lifeline power-cycle';
    send({ t: 'expect', until: data.expectBackAt, what });
    push.sealCycle(typeof data.name === 'string' ? data.name : undefined);
  };

  return {
    name: 'relay-link',
    actions: [],
    get connected() {
      return socket.isUp;
    },
    start() {
      publish({ connected: false, url: '', since: ctx.clock.now() });
      push.start();
      unsub.push(ctx.events.subscribe((e) => onEvent(e.kind, e.data)));
      socket.start();
    },
    stop() {
      for (const u of unsub.splice(0)) u();
      push.stop();
      sessions.endAll();
      pipes.endAll();
      route.unwatch();
      socket.stop();
    },
    async check(): Promise<CheckRow[]> {
      if (socket.isUp) return [{ name: 'relay', status: 'ok', detail: `connected to ${info.url}` }];
      let url: string;
      try {
        url = linkUrl(opts.url());
      } catch {
        return [{ name: 'relay', status: 'fail', detail: 'invalid relay URL' }];
      }
      const r = await probeRelay(url, opts.identity, ctx.config.home.name);
      return [
        {
          name: 'relay',
          status: r.ok ? 'ok' : 'fail',
          detail: r.ok ? `${url} accepts this home (seen from ${r.address})` : `${url}: ${r.reason}`,
        },
      ];
    },
  };
}
