// One link to one relay: its socket (reconnects, heartbeat), its authentication, and the client
// sessions and passed-through TLS streams it carries — stream ids are the relay's, so these belong
// to the link, not the home. Its state is the entity `relay/<id>` (`link` for the primary,
// `standby` for the second relay). What is the home's rather than the link's (push, the outbox,
// power-cycle notices) is decided by relay-link.ts, which hears of each link going up and down.
import { parseControl, RelayToAgent } from '../../../shared/protocol/relay-link.js';
import type { RelayLinkInfo } from '../../../shared/protocol/vocabulary.js';
import type { Identity } from '../../../shared/session/keys.js';
import type { AgentContext, CheckRow } from '../capability.js';
import type { SessionHub } from '../session-hub.js';
import { createForwardedSessions } from './forwarded-sessions.js';
import { createLinkAuth, originOf, probeRelay } from './link-auth.js';
import { createLinkRoute } from './link-route.js';
import { createLinkSocket, linkUrl } from './link-socket.js';
import { createPassthroughStreams, type TlsStreamSink } from './passthrough-streams.js';

/** Frames about push: the home's business, whichever link they arrive on. */
export type PushFrame = Extract<RelayToAgent, { t: 'ack' | 'push-status' }>;

export interface OneLinkOptions {
  /** The entity id: `link` (the primary relay) or `standby`. */
  id: string;
  /** ws(s):// or http(s):// base of the relay. Resolved lazily: the embedded relay's port is known only after listen. */
  url: () => string;
  identity: Identity;
  hub: SessionHub;
  heartbeatMs: number;
  names?: () => readonly string[];
  tls?: () => TlsStreamSink | undefined;
}

export interface OneLinkEvents {
  up(link: OneLink): void;
  down(link: OneLink): void;
  push(link: OneLink, frame: PushFrame): void;
}

export interface OneLink {
  readonly id: string;
  readonly isUp: boolean;
  readonly info: RelayLinkInfo;
  send: (frame: Parameters<ReturnType<typeof createLinkSocket>['send']>[0]) => void;
  start(): void;
  stop(): void;
  check(label: string): Promise<CheckRow>;
}

export function createOneLink(ctx: AgentContext, opts: OneLinkOptions, events: OneLinkEvents): OneLink {
  const log = ctx.log.child(opts.id === 'link' ? 'relay-link' : `relay-link:${opts.id}`);
  let info: RelayLinkInfo = { connected: false, url: '', since: ctx.clock.now() };
  const publish = (patch: Partial<RelayLinkInfo>) => {
    info = { ...info, ...patch };
    ctx.state.set('relay', opts.id, info);
  };
  let auth: (text: string) => boolean = () => false;
  // Behind a load balancer hashing on SNI: link with the home's name once this relay asks.
  const route = createLinkRoute(() => opts.names?.()[0]);

  const socket = createLinkSocket(
    { url: opts.url, heartbeatMs: opts.heartbeatMs, dialOptions: route.dialOptions, clock: ctx.clock, log },
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
            send: socket.send,
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
        sessions.endAll();
        pipes.endAll();
        publish({ connected: false, since: wasUp ? ctx.clock.now() : info.since, lastError: why });
        if (wasUp) events.down(link);
      },
      invalidUrl: () => publish({ connected: false, lastError: 'invalid relay URL' }),
    },
  );
  const sessions = createForwardedSessions({
    hub: opts.hub,
    sendData: socket.sendBinary,
    sendClose: (sid, code, reason) => socket.send({ t: 'close', sid, code, reason }),
    sendSeated: (sid) => socket.send({ t: 'seated', sid }),
  });
  const pipes = createPassthroughStreams({
    sink: () => opts.tls?.(),
    sendData: socket.sendBinary,
    send: socket.send,
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
    events.up(link);
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
      case 'push-status':
        return events.push(link, frame);
      case 'pong':
      case 'challenge':
      case 'welcome':
      case 'refused':
        return;
    }
  };

  const link: OneLink = {
    id: opts.id,
    get isUp() {
      return socket.isUp;
    },
    get info() {
      return info;
    },
    send: socket.send,
    start() {
      publish({ connected: false, url: '', since: ctx.clock.now() });
      socket.start();
    },
    stop() {
      route.unwatch();
      sessions.endAll();
      pipes.endAll();
      socket.stop();
    },
    async check(label) {
      if (socket.isUp) return { name: label, status: 'ok', detail: `connected to ${info.url}` };
      let url: string;
      try {
        url = linkUrl(opts.url());
      } catch {
        return { name: label, status: 'fail', detail: 'invalid relay URL' };
      }
      const r = await probeRelay(url, opts.identity, ctx.config.home.name);
      return {
        name: label,
        status: r.ok ? 'ok' : 'fail',
        detail: r.ok ? `${url} accepts this home (seen from ${r.address})` : `${url}: ${r.reason}`,
      };
    },
  };
  return link;
}
