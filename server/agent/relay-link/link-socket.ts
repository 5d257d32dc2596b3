// The link's socket: one outbound WebSocket to the relay at a time, reopened after any loss with
// jittered backoff capped at 5 s, and at once on any sign of a network change; once the link is
// up, a heartbeat that gives up on a relay that stopped answering.
import os from 'node:os';
import WebSocket, { type ClientOptions } from 'ws';
import { Backoff } from '../../../shared/backoff.js';
import { MAX_LINK_QUEUED_BYTES } from '../../../shared/protocol/limits.js';
import type { AgentToRelay } from '../../../shared/protocol/relay-link.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import type { LinkDialOptions } from './link-route.js';

// Between half and all of each step, so homes do not reconnect in lockstep after a relay restart.
// Capped at 5 s: a relay that comes back is found within seconds, which is what a phone away from
// home waits on; a refused dial costs the relay next to nothing, and the jitter spreads a returning
// relay's homes over the cap (10 000 homes: ~2 000 link-ups a second, within one core's capacity).
const RECONNECT = { steps: [1000, 2000, 3000, 5000], jitter: [0.5, 1] } as const;
const NETWORK_POLL_MS = 2000;

export interface LinkSocketOptions {
  /** ws(s):// or http(s):// base of the relay. Resolved at each attempt: the embedded relay's port is known only after listen. */
  url: () => string;
  heartbeatMs: number;
  /** Extra TLS options for dialling a link URL (link-route.ts: the home's name as SNI). */
  dialOptions?: (url: string) => LinkDialOptions;
  clock: Clock;
  log: Logger;
}

export interface LinkSocketEvents {
  /** A socket to `url` is opening: what arrives next belongs to a new connection. */
  connecting(url: string): void;
  text(text: string): void;
  binary(data: Uint8Array): void;
  /** The socket is gone, why, and whether the link had been up; the next attempt is scheduled. */
  down(why: string, wasUp: boolean): void;
  /** The relay URL cannot be used; nothing is retried until the next start. */
  invalidUrl(): void;
}

export interface LinkSocket {
  readonly isUp: boolean;
  start(): void;
  stop(): void;
  send(frame: AgentToRelay): void;
  sendBinary(data: Uint8Array): void;
  /** The relay accepted this agent: the backoff starts over and the heartbeat begins. */
  up(heartbeatMs?: number): void;
  /** Drops the current socket (a protocol breach, a refusal); the next attempt is scheduled. */
  fail(why: string): void;
  /** Drops the current socket and dials again at once (the relay asked for other dial options). */
  redial(why: string): void;
}

/** ws(s)://host/…/ws/agent from whatever base the config gives. */
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

export function createLinkSocket(opts: LinkSocketOptions, events: LinkSocketEvents): LinkSocket {
  const { clock, log } = opts;
  const backoff = new Backoff(RECONNECT);
  let socket: WebSocket | null = null;
  let isUp = false;
  let stopped = true;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  let networkTimer: ReturnType<typeof setInterval> | null = null;
  let lastFrameAt = 0;
  let network = networkSignature();

  const send = (frame: AgentToRelay) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  };

  const down = (why: string) => {
    if (heartbeatTimer) clearInterval(heartbeatTimer);
    heartbeatTimer = null;
    const was = isUp;
    isUp = false;
    socket = null;
    if (was) log.warn(`link lost: ${why}`);
    events.down(why, was);
    schedule();
  };

  let redialNow = false;
  const schedule = (immediately = false) => {
    if (stopped || socket) return;
    if (retryTimer) clearTimeout(retryTimer);
    const wait = backoff.next();
    retryTimer = setTimeout(connect, immediately || redialNow ? 0 : wait);
    redialNow = false;
  };

  let failCurrent: (why: string) => void = () => {};

  function connect(): void {
    retryTimer = null;
    if (stopped || socket) return;
    let url: string;
    try {
      url = linkUrl(opts.url());
    } catch {
      events.invalidUrl();
      return;
    }
    events.connecting(url);
    const ws = new WebSocket(url, {
      ...(opts.dialOptions?.(url) as ClientOptions | undefined),
      handshakeTimeout: 10_000,
      maxPayload: 1024 * 1024,
    });
    socket = ws;
    const fail = (why: string) => {
      if (socket !== ws) return;
      ws.terminate();
      down(why);
    };
    failCurrent = fail;
    ws.on('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'ECONNREFUSED' ? 'relay refused the connection' : err.message),
    );
    ws.on('close', (code, reason) => fail(`closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`));
    ws.on('unexpected-response', (_req, res) => fail(`relay answered HTTP ${res.statusCode}`));
    ws.on('message', (data: Buffer, binary: boolean) => {
      lastFrameAt = clock.now();
      if (binary) events.binary(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      else events.text(data.toString('utf8'));
    });
  }

  const watchNetwork = () => {
    const now = networkSignature();
    if (now === network) return;
    network = now;
    log.info('network changed');
    if (isUp) send({ t: 'ping', at: clock.now() });
    else {
      backoff.reset();
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      schedule(true);
    }
  };

  return {
    get isUp() {
      return isUp;
    },
    start() {
      stopped = false;
      networkTimer = setInterval(watchNetwork, NETWORK_POLL_MS);
      networkTimer.unref();
      connect();
    },
    stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (networkTimer) clearInterval(networkTimer);
      if (heartbeatTimer) clearInterval(heartbeatTimer);
      socket?.close(1000, 'agent stopping');
      socket = null;
      isUp = false;
    },
    send,
    sendBinary(data) {
      if (socket?.readyState !== WebSocket.OPEN) return;
      // A relay that stops reading gets dropped (and redialled), not buffered for without end.
      if (socket.bufferedAmount > MAX_LINK_QUEUED_BYTES)
        return failCurrent('the relay does not take what it is sent');
      socket.send(data, { binary: true });
    },
    up(heartbeatMs = opts.heartbeatMs) {
      isUp = true;
      backoff.reset();
      if (heartbeatTimer) clearInterval(heartbeatTimer);
      // Give up on a silent relay as before: after 2.5 of our own beats (at least 25 s).
      const silentMs = Math.max(opts.heartbeatMs, heartbeatMs) * 2.5;
      heartbeatTimer = setInterval(() => {
        if (clock.now() - lastFrameAt > silentMs) return failCurrent('no answer to heartbeats');
        send({ t: 'ping', at: clock.now() });
      }, heartbeatMs);
    },
    fail(why) {
      failCurrent(why);
    },
    redial(why) {
      redialNow = true;
      failCurrent(why);
    },
  };
}
