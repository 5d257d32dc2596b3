// The relay's end of one agent's link: it proves the agent's key, then carries every client
// session and every passed-through TLS connection of that home over this one socket (multiplexed
// by stream id) and takes the agent's control messages (heartbeats, subscriptions, encrypted
// pushes, expectations).
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { fromBase64Url, randomBytes, toBase64Url } from '../../shared/bytes.js';
import { MAX_LINK_QUEUED_BYTES, MAX_QUEUED_BYTES } from '../../shared/protocol/limits.js';
import {
  AgentToRelay,
  DataKind,
  decodeData,
  decodeRaw,
  encodeData,
  LINK_VERSION,
  LinkAuth,
  linkAuthInput,
  parseControl,
  type RelayToAgent,
} from '../../shared/protocol/relay-link.js';
import { fingerprint, verify } from '../../shared/session/keys.js';
import { CloseCode, type MessageTransport } from '../../shared/session/transport.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { PassthroughStream, type PassthroughTimings } from './passthrough-stream.js';

export const LINK_AUTH_TIMEOUT_MS = 10_000;

export type LinkControl = Exclude<
  AgentToRelay,
  { t: 'auth' } | { t: 'close' } | { t: 'credit' } | { t: 'seated' }
>;

interface Stream {
  client: MessageTransport;
  /** The client's source key (an IPv4 address, an IPv6 /64). */
  key: string;
  openedAt: number;
  /** The agent said its device authenticated; until then it is a stranger's stream. */
  seated: boolean;
}

export interface LinkHandlers {
  /** Whether this relay serves the home; a refusal text otherwise. */
  admit(homeId: string): string | null;
  welcome(homeId: string): {
    observedAddress: string;
    vapidPublicKey: string;
    heartbeatSeconds?: number;
    route?: 'name';
  };
  /** The link is the home's now; returns the names the relay routes to it. */
  up(link: AgentLink, auth: LinkAuth): string[];
  control(link: AgentLink, frame: LinkControl): void;
  down(link: AgentLink): void;
  /** Time since the previous sign of life, for the heartbeat-gap metric. */
  gap?(ms: number): void;
}

export class AgentLink {
  homeId = '';
  lastSeenAt: number;
  private nextSid = 1;
  private readonly streams = new Map<number, Stream>();
  private readonly pipes = new Map<number, PassthroughStream>();
  private closed = false;

  /**
   * `host`: the Host the agent dialled (the link request's), which the origin it signs must name;
   * undefined skips the check (no Host header: nothing to compare).
   */
  constructor(
    private readonly socket: WebSocket,
    readonly address: string,
    private readonly handlers: LinkHandlers,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly host?: string,
  ) {
    this.lastSeenAt = clock.now();
  }

  /** Runs the challenge; resolves once the agent proved its key (or the socket is closed). */
  async authenticate(): Promise<boolean> {
    const nonce = toBase64Url(randomBytes(24));
    this.sendControl({ t: 'challenge', v: LINK_VERSION, nonce });
    const message = await new Promise<string | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), LINK_AUTH_TIMEOUT_MS);
      this.socket.once('message', (data: Buffer, binary: boolean) => {
        clearTimeout(timer);
        resolve(binary ? null : data.toString('utf8'));
      });
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve(null);
      });
    });
    const auth = message ? parseControl(LinkAuth, message) : null;
    const refuse = (code: string, text: string) => {
      this.sendControl({ t: 'refused', code, message: text });
      this.socket.close(4401, code);
      return false;
    };
    if (!auth) return refuse('bad-auth', 'expected an auth frame');
    if (auth.v !== LINK_VERSION)
      return refuse('version-unsupported', `this relay speaks link version ${LINK_VERSION}`);
    let key: Uint8Array;
    try {
      key = fromBase64Url(auth.key);
    } catch {
      return refuse('bad-auth', 'malformed key');
    }
    const names = auth.names ?? [];
    if (!(await verify(key, fromBase64Url(auth.sig), linkAuthInput(nonce, auth.origin, names))))
      return refuse('bad-auth', 'the signature does not match the key');
    if (this.host !== undefined && hostOf(auth.origin) !== this.host.toLowerCase())
      return refuse('wrong-relay', `the agent signed for ${auth.origin}, not for this relay (${this.host})`);
    const homeId = await fingerprint(key);
    const refusal = this.handlers.admit(homeId);
    if (refusal) return refuse('not-served', refusal);
    if (auth.probe) {
      // A check from the home's own `lifeline check`: say yes without displacing the live link.
      this.sendControl({
        t: 'welcome',
        homeId,
        observedAddress: this.address,
        vapidPublicKey: '',
        serverTime: this.clock.now(),
      });
      this.socket.close(1000, 'probe');
      return false;
    }
    this.homeId = homeId;
    this.socket.on('message', (data: Buffer, binary: boolean) => this.receive(data, binary));
    this.socket.on('close', () => this.teardown());
    const w = this.handlers.welcome(homeId);
    const routed = this.handlers.up(this, auth);
    this.sendControl({
      t: 'welcome',
      homeId,
      observedAddress: w.observedAddress,
      vapidPublicKey: w.vapidPublicKey,
      serverTime: this.clock.now(),
      names: routed,
      ...(w.heartbeatSeconds !== undefined ? { heartbeatSeconds: w.heartbeatSeconds } : {}),
      ...(w.route ? { route: w.route } : {}),
    });
    return true;
  }

  get streamCount(): number {
    return this.streams.size;
  }

  /** Phones' TLS connections passed through now. */
  get pipeCount(): number {
    return this.pipes.size;
  }

  /** Bytes held for pass-through streams (waiting for credit or for a phone to read). */
  get pipeBuffered(): number {
    let n = 0;
    for (const p of this.pipes.values()) n += p.buffered;
    return n;
  }

  /** Passes a phone's TLS connection for `name` through to the agent; `first`: the bytes read so far. */
  openPipe(socket: Socket, first: Buffer, source: string, name: string, timings?: PassthroughTimings): void {
    const sid = this.allocateSid();
    const pipe = new PassthroughStream(
      sid,
      socket,
      {
        sendRaw: (frame) => {
          if (!this.closed) this.socket.send(frame, { binary: true });
        },
        sendControl: (frame) => this.sendControl(frame),
        ended: (id) => this.pipes.delete(id),
      },
      timings,
    );
    this.pipes.set(sid, pipe);
    this.sendControl({ t: 'open', sid, source, kind: 'tls', name });
    pipe.start(first);
  }

  private allocateSid(): number {
    let sid = this.nextSid;
    while (this.streams.has(sid) || this.pipes.has(sid)) sid = sid >= 0xfffffff0 ? 1 : sid + 1;
    this.nextSid = sid >= 0xfffffff0 ? 1 : sid + 1;
    return sid;
  }

  /** Streams whose device has not authenticated yet: in total, and from one source key. */
  pendingStreams(key?: string): number {
    let n = 0;
    for (const s of this.streams.values()) if (!s.seated && (key === undefined || s.key === key)) n++;
    return n;
  }

  /** Ends the oldest unauthenticated stream of the source holding the most (a newcomer needs the seat). */
  evictPending(): void {
    const counts = new Map<string, number>();
    for (const s of this.streams.values()) if (!s.seated) counts.set(s.key, (counts.get(s.key) ?? 0) + 1);
    let victim: [number, Stream] | undefined;
    for (const entry of this.streams) {
      const s = entry[1];
      if (s.seated) continue;
      if (!victim) victim = entry;
      else {
        const [n, m] = [counts.get(s.key)!, counts.get(victim[1].key)!];
        if (n > m || (n === m && s.openedAt < victim[1].openedAt)) victim = entry;
      }
    }
    if (!victim) return;
    const [sid, s] = victim;
    this.streams.delete(sid);
    this.sendControl({ t: 'close', sid, code: 4429, reason: 'dropped for a newer connection' });
    s.client.close(4429, 'busy');
  }

  /** Opens a stream for a client session; returns its transport toward the agent. */
  openStream(client: MessageTransport, source: string, key = source): void {
    const sid = this.allocateSid();
    this.streams.set(sid, { client, key, openedAt: this.clock.now(), seated: false });
    client.onMessage = (m) => {
      if (this.closed) return;
      // The agent (or the way to it) is not taking what this home's phones send: drop the sender.
      if (this.socket.bufferedAmount > MAX_LINK_QUEUED_BYTES)
        return this.dropStream(sid, 'the link to home is full');
      this.socket.send(encodeData(sid, m), { binary: true });
    };
    client.onClose = (code) => {
      if (this.streams.delete(sid))
        this.sendControl({ t: 'close', sid, code: code ?? 1000, reason: 'client closed' });
    };
    this.sendControl({ t: 'open', sid, source });
  }

  private dropStream(sid: number, why: string): void {
    const client = this.streams.get(sid)?.client;
    if (!client) return;
    this.streams.delete(sid);
    this.log.warn(`stream ${sid} of ${this.homeId?.slice(0, 8)} dropped: ${why}`);
    client.close(CloseCode.overloaded, 'overloaded');
    this.sendControl({ t: 'close', sid, code: CloseCode.overloaded, reason: 'overloaded' });
  }

  sendControl(frame: RelayToAgent): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(frame));
  }

  /** Drops the link (missed heartbeats, replaced by a newer link, shutdown). */
  terminate(code = 4408, reason = 'link dropped'): void {
    if (code === 4408) this.socket.terminate();
    else this.socket.close(code, reason);
    this.teardown();
  }

  private receive(data: Buffer, binary: boolean): void {
    const now = this.clock.now();
    this.handlers.gap?.(now - this.lastSeenAt);
    this.lastSeenAt = now;
    if (binary) {
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      if (bytes[0] === DataKind.raw) {
        const raw = decodeRaw(bytes);
        if (raw) this.pipes.get(raw.sid)?.fromAgent(raw.bytes);
        return;
      }
      const frame = decodeData(bytes);
      if (!frame) return;
      const client = this.streams.get(frame.sid)?.client;
      // A phone that does not read what home sends is dropped, not buffered for.
      if ((client?.buffered?.() ?? 0) > MAX_QUEUED_BYTES)
        this.dropStream(frame.sid, 'the phone does not read');
      else client?.send(frame.payload);
      return;
    }
    const frame = parseControl(AgentToRelay, data.toString('utf8'));
    if (!frame || frame.t === 'auth') {
      this.log.info(`ignored an invalid control frame from ${this.homeId.slice(0, 8)}`);
      return;
    }
    if (frame.t === 'credit') {
      this.pipes.get(frame.sid)?.granted(frame.n);
      return;
    }
    if (frame.t === 'close') {
      this.pipes.get(frame.sid)?.closedByAgent();
      const stream = this.streams.get(frame.sid);
      if (stream) {
        this.streams.delete(frame.sid);
        stream.client.close(frame.code >= 4000 && frame.code < 5000 ? frame.code : 1000, frame.reason);
      }
      return;
    }
    if (frame.t === 'seated') {
      const stream = this.streams.get(frame.sid);
      if (stream) stream.seated = true;
      return;
    }
    this.handlers.control(this, frame);
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.client.close(4404, 'home went offline');
    this.streams.clear();
    for (const pipe of [...this.pipes.values()]) pipe.close(4404, 'home went offline');
    this.pipes.clear();
    if (this.homeId) this.handlers.down(this);
  }
}

/** The host[:port] of an origin such as `wss://relay.example.com`, lower case; '' when it is no URL. */
function hostOf(origin: string): string {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return '';
  }
}
