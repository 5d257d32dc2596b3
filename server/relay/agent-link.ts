// The relay's end of one agent's link: it proves the agent's key, then carries every client
// session of that home over this one socket (multiplexed by stream id) and takes the agent's
// control messages (heartbeats, subscriptions, encrypted pushes, expectations).
import type WebSocket from 'ws';
import { fromBase64Url, randomBytes, toBase64Url } from '../../shared/bytes.js';
import {
  AgentToRelay,
  decodeData,
  encodeData,
  LINK_VERSION,
  LinkAuth,
  linkAuthInput,
  parseControl,
  type RelayToAgent,
} from '../../shared/protocol/relay-link.js';
import { fingerprint, verify } from '../../shared/session/keys.js';
import type { MessageTransport } from '../../shared/session/transport.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';

export const LINK_AUTH_TIMEOUT_MS = 10_000;

export type LinkControl = Exclude<AgentToRelay, { t: 'auth' } | { t: 'close' } | { t: 'seated' }>;

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
  welcome(homeId: string): { observedAddress: string; vapidPublicKey: string };
  up(link: AgentLink, auth: LinkAuth): void;
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
  private closed = false;

  constructor(
    private readonly socket: WebSocket,
    readonly address: string,
    private readonly handlers: LinkHandlers,
    private readonly clock: Clock,
    private readonly log: Logger,
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
    if (!(await verify(key, fromBase64Url(auth.sig), linkAuthInput(nonce))))
      return refuse('bad-auth', 'the signature does not match the key');
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
    this.sendControl({
      t: 'welcome',
      homeId,
      observedAddress: w.observedAddress,
      vapidPublicKey: w.vapidPublicKey,
      serverTime: this.clock.now(),
    });
    this.handlers.up(this, auth);
    return true;
  }

  get streamCount(): number {
    return this.streams.size;
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
    const sid = this.nextSid;
    this.nextSid = this.nextSid >= 0xfffffff0 ? 1 : this.nextSid + 1;
    this.streams.set(sid, { client, key, openedAt: this.clock.now(), seated: false });
    client.onMessage = (m) => {
      if (!this.closed) this.socket.send(encodeData(sid, m), { binary: true });
    };
    client.onClose = (code) => {
      if (this.streams.delete(sid))
        this.sendControl({ t: 'close', sid, code: code ?? 1000, reason: 'client closed' });
    };
    this.sendControl({ t: 'open', sid, source });
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
      const frame = decodeData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      if (!frame) return;
      this.streams.get(frame.sid)?.client.send(frame.payload);
      return;
    }
    const frame = parseControl(AgentToRelay, data.toString('utf8'));
    if (!frame || frame.t === 'auth') {
      this.log.info(`ignored an invalid control frame from ${this.homeId.slice(0, 8)}`);
      return;
    }
    if (frame.t === 'close') {
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
    if (this.homeId) this.handlers.down(this);
  }
}
