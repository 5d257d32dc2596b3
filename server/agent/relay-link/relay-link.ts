// The agent's line out of the house: one outbound WebSocket to the relay that needs no DDNS, open
// port or VPN. It proves the agent's key, keeps a heartbeat, carries client sessions (the relay
// sees only ciphertext), hands over push notifications from the durable outbox (each encrypted to
// its subscription here, at home), and reconnects within seconds when the network returns:
// jittered backoff capped at ~30 s, plus an immediate retry on any sign of network change.
import os from 'node:os';
import webpush from 'web-push';
import WebSocket from 'ws';
import { toBase64Url } from '../../../shared/bytes.js';
import {
  type AgentToRelay,
  decodeData,
  LINK_VERSION,
  LinkChallenge,
  LinkWelcome,
  linkAuthInput,
  parseControl,
  RelayToAgent,
} from '../../../shared/protocol/relay-link.js';
import type { RelayLinkInfo } from '../../../shared/protocol/vocabulary.js';
import type { Identity } from '../../../shared/session/keys.js';
import { sign } from '../../../shared/session/keys.js';
import type { ChannelSettings } from '../../config/schema.js';
import { describeError } from '../../log.js';
import type { AgentContext, Capability, CheckRow } from '../capability.js';
import type { Notifier } from '../notify/notify.js';
import type { SessionHub } from '../session-hub.js';
import { streamTransport } from './stream-transport.js';

export const BACKOFF_MS = [1000, 2000, 4000, 8000, 15_000, 30_000];
const NETWORK_POLL_MS = 2000;

type Stream = ReturnType<typeof streamTransport>;

export interface RelayLinkOptions {
  /** ws(s):// or http(s):// base of the relay. Resolved lazily: the embedded relay's port is known only after listen. */
  url: () => string;
  identity: Identity;
  hub: SessionHub;
  notifier: Notifier;
  heartbeatMs: number;
}

export function linkUrl(base: string): string {
  const u = new URL(base);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  if (u.protocol === 'https:') u.protocol = 'wss:';
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/ws/agent`;
  u.search = '';
  u.hash = '';
  return u.toString();
}

function networkSignature(): string {
  const out: string[] = [];
  for (const [name, addrs] of Object.entries(os.networkInterfaces()))
    for (const a of addrs ?? []) if (!a.internal) out.push(`${name}=${a.address}`);
  return out.sort().join(',');
}

export function createRelayLink(
  ctx: AgentContext,
  opts: RelayLinkOptions,
): Capability & { readonly connected: boolean } {
  const log = ctx.log.child('relay-link');
  let socket: WebSocket | null = null;
  let connected = false;
  let stopped = true;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  let networkTimer: ReturnType<typeof setInterval> | null = null;
  let lastFrameAt = 0;
  let network = networkSignature();
  let info: RelayLinkInfo = { connected: false, url: '', since: ctx.clock.now() };
  const streams = new Map<number, Stream>();
  const inFlight = new Set<number>();
  const unsub: (() => void)[] = [];

  const publish = (patch: Partial<RelayLinkInfo>) => {
    info = { ...info, ...patch };
    ctx.state.set('relay', 'link', info);
  };

  const send = (frame: AgentToRelay) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  };

  const syncSubscriptions = () =>
    send({
      t: 'subs',
      subs: opts.notifier
        .subscriptions()
        .map((s) => ({ id: s.id, endpoint: s.endpoint, p256dh: s.p256dh, auth: s.auth, lang: s.lang })),
    });

  const syncChannels = () =>
    send({
      t: 'channels',
      channels: ctx.config.notify.channels.map((c: ChannelSettings) => ({
        id: c.id,
        type: c.type,
        url: c.url,
        ...(c.token ? { token: c.token } : {}),
        ...(c.chat ? { chat: c.chat } : {}),
        ...(c.secret ? { secret: c.secret } : {}),
      })),
    });

  /** Hands due push notifications to the relay, each encrypted here to its subscription (RFC 8291). */
  const flush = () => {
    if (!connected) return;
    const subsById = new Map(opts.notifier.subscriptions().map((s) => [s.id, s]));
    const gone: number[] = [];
    for (const row of opts.notifier.outbox.due('push:', ctx.clock.now())) {
      if (inFlight.has(row.id)) continue;
      const sub = subsById.get(row.target.slice('push:'.length));
      if (!sub || ctx.clock.now() > row.created_at + row.ttl * 1000) {
        gone.push(row.id);
        continue;
      }
      let body: Uint8Array;
      try {
        body = webpush.encrypt(sub.p256dh, sub.auth, row.payload, 'aes128gcm').cipherText;
      } catch (err) {
        log.warn(`cannot encrypt for subscription ${sub.id}: ${describeError(err)}; dropped`);
        gone.push(row.id);
        continue;
      }
      inFlight.add(row.id);
      send({
        t: 'deliver',
        id: row.id,
        sub: sub.id,
        body: toBase64Url(body),
        ttl: Math.max(0, Math.round(row.ttl - (ctx.clock.now() - row.created_at) / 1000)),
        urgency: row.urgency,
        ...(row.topic ? { topic: row.topic } : {}),
      });
    }
    if (gone.length > 0) opts.notifier.outbox.remove(gone);
  };

  const closeStreams = () => {
    for (const s of [...streams.values()]) s.ended(4404, 'relay link lost');
    streams.clear();
  };

  const disconnected = (why: string) => {
    if (heartbeatTimer) clearInterval(heartbeatTimer);
    heartbeatTimer = null;
    const was = connected;
    connected = false;
    socket = null;
    inFlight.clear();
    closeStreams();
    if (was) log.warn(`link lost: ${why}`);
    publish({ connected: false, since: was ? ctx.clock.now() : info.since, lastError: why });
    schedule();
  };

  const schedule = (immediately = false) => {
    if (stopped || socket) return;
    if (retryTimer) clearTimeout(retryTimer);
    const step = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)]!;
    // Jitter between half and all of the step, so homes do not reconnect in lockstep after a relay restart.
    const wait = immediately ? 0 : step / 2 + Math.random() * (step / 2);
    attempt++;
    retryTimer = setTimeout(connect, wait);
  };

  const onControl = (text: string) => {
    const frame = parseControl(RelayToAgent, text);
    if (!frame) {
      log.info('ignored an invalid control frame from the relay');
      return;
    }
    switch (frame.t) {
      case 'open': {
        const stream = streamTransport(
          frame.sid,
          (data) => {
            if (socket?.readyState === WebSocket.OPEN) socket.send(data, { binary: true });
          },
          (sid, code, reason) => send({ t: 'close', sid, code, reason: reason.slice(0, 120) }),
          (sid) => streams.delete(sid),
        );
        streams.set(frame.sid, stream);
        opts.hub.accept(stream, { path: 'relay', source: `relay:${frame.source}` });
        return;
      }
      case 'close':
        streams.get(frame.sid)?.ended(frame.code, frame.reason);
        return;
      case 'ack':
        opts.notifier.outbox.remove(frame.ids);
        for (const id of frame.ids) inFlight.delete(id);
        return;
      case 'push-status':
        if (frame.status === 'gone') {
          log.info(`push subscription ${frame.sub} is gone; removed`);
          opts.notifier.dropSubscription(frame.sub);
        } else if (frame.status !== 'delivered')
          log.warn(`push to ${frame.sub}: ${frame.status} ${frame.detail ?? ''}`);
        return;
      case 'pong':
        return;
      case 'challenge':
      case 'welcome':
      case 'refused':
        return;
    }
  };

  function connect(): void {
    retryTimer = null;
    if (stopped || socket) return;
    let url: string;
    try {
      url = linkUrl(opts.url());
    } catch {
      publish({ connected: false, lastError: 'invalid relay URL' });
      return;
    }
    info.url = url;
    const ws = new WebSocket(url, { handshakeTimeout: 10_000, maxPayload: 1024 * 1024 });
    socket = ws;
    let authed = false;
    const fail = (why: string) => {
      if (socket !== ws) return;
      ws.terminate();
      disconnected(why);
    };
    ws.on('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'ECONNREFUSED' ? 'relay refused the connection' : err.message),
    );
    ws.on('close', (code, reason) => fail(`closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`));
    ws.on('unexpected-response', (_req, res) => fail(`relay answered HTTP ${res.statusCode}`));
    ws.on('message', (data: Buffer, binary: boolean) => {
      lastFrameAt = ctx.clock.now();
      if (binary) {
        const frame = decodeData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
        if (frame) streams.get(frame.sid)?.deliver(frame.payload);
        return;
      }
      const text = data.toString('utf8');
      if (authed) return onControl(text);
      const challenge = parseControl(LinkChallenge, text);
      if (challenge) {
        void sign(opts.identity.privateKey, linkAuthInput(challenge.nonce)).then((sig) =>
          send({
            t: 'auth',
            v: LINK_VERSION,
            key: toBase64Url(opts.identity.publicKey),
            sig: toBase64Url(sig),
            home: {
              name: ctx.config.home.name,
              timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC',
            },
          }),
        );
        return;
      }
      const welcome = parseControl(LinkWelcome, text);
      if (welcome) {
        if (welcome.homeId !== ctx.homeId) return fail('the relay answered for another home');
        authed = true;
        connected = true;
        attempt = 0;
        log.info(`connected to ${url} (seen from ${welcome.observedAddress})`);
        publish({
          connected: true,
          url,
          since: ctx.clock.now(),
          observedAddress: welcome.observedAddress,
          vapidPublicKey: welcome.vapidPublicKey,
          lastError: undefined,
        });
        heartbeatTimer = setInterval(() => {
          if (ctx.clock.now() - lastFrameAt > opts.heartbeatMs * 2.5) return fail('no answer to heartbeats');
          send({ t: 'ping', at: ctx.clock.now() });
        }, opts.heartbeatMs);
        syncSubscriptions();
        syncChannels();
        flush();
        return;
      }
      const refused = parseControl(RelayToAgent, text);
      if (refused?.t === 'refused') {
        log.error(`the relay refused this agent: ${refused.message}`);
        return fail(`refused: ${refused.message}`);
      }
    });
  }

  const watchNetwork = () => {
    const now = networkSignature();
    if (now === network) return;
    network = now;
    log.info('network changed');
    if (connected) send({ t: 'ping', at: ctx.clock.now() });
    else {
      attempt = 0;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      schedule(true);
    }
  };

  const onEvent = (kind: string, data: Record<string, unknown> | undefined) => {
    if (kind !== 'lifeline.cycle-started' || typeof data?.expectBackAt !== 'number') return;
    const what = typeof data.name === 'string' ? `power-cycle of ${data.name}` : 'lifeline power-cycle';
    send({ t: 'expect', until: data.expectBackAt, what });
  };

  return {
    name: 'relay-link',
    actions: [],
    get connected() {
      return connected;
    },
    start() {
      stopped = false;
      publish({ connected: false, url: '', since: ctx.clock.now() });
      opts.notifier.onSubscriptionsChanged(syncSubscriptions);
      opts.notifier.onPushQueued(flush);
      unsub.push(ctx.events.subscribe((e) => onEvent(e.kind, e.data)));
      networkTimer = setInterval(watchNetwork, NETWORK_POLL_MS);
      networkTimer.unref();
      // Rows held by quiet hours become due later; look again every half minute.
      const dueTimer = setInterval(flush, 30_000);
      dueTimer.unref();
      unsub.push(() => clearInterval(dueTimer));
      connect();
    },
    stop() {
      stopped = true;
      for (const u of unsub.splice(0)) u();
      if (retryTimer) clearTimeout(retryTimer);
      if (networkTimer) clearInterval(networkTimer);
      if (heartbeatTimer) clearInterval(heartbeatTimer);
      closeStreams();
      socket?.close(1000, 'agent stopping');
      socket = null;
      connected = false;
    },
    async check(): Promise<CheckRow[]> {
      if (connected) return [{ name: 'relay', status: 'ok', detail: `connected to ${info.url}` }];
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

/** For `lifeline check`: can this agent link to the relay, and does the relay accept its home? */
export function probeRelay(
  url: string,
  identity: Identity,
  homeName: string,
  timeoutMs = 8000,
): Promise<{ ok: true; address: string } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    const done = (r: { ok: true; address: string } | { ok: false; reason: string }) => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, reason: 'no answer in time' }), timeoutMs);
    ws.on('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, reason: err.code === 'ECONNREFUSED' ? 'connection refused' : err.message }),
    );
    ws.on('unexpected-response', (_q, res) => done({ ok: false, reason: `HTTP ${res.statusCode}` }));
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      const challenge = parseControl(LinkChallenge, text);
      if (challenge) {
        void sign(identity.privateKey, linkAuthInput(challenge.nonce)).then((sig) =>
          ws.send(
            JSON.stringify({
              t: 'auth',
              v: LINK_VERSION,
              key: toBase64Url(identity.publicKey),
              sig: toBase64Url(sig),
              home: { name: homeName, timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC' },
              probe: true,
            }),
          ),
        );
        return;
      }
      const frame = parseControl(RelayToAgent, text);
      if (frame?.t === 'welcome') done({ ok: true, address: frame.observedAddress });
      else if (frame?.t === 'refused') done({ ok: false, reason: frame.message });
    });
  });
}
