// Accepts sessions on any transport (direct WebSocket, or a stream forwarded by the relay),
// runs the agent side of the handshake, authorises the device, then feeds its commands to the
// guard and streams state. Nothing reaches the guard from a session that is not authenticated.

import { fromUtf8, toBase64Url, utf8 } from '../../shared/bytes.js';
import { english, msg, refOf } from '../../shared/messages/say.js';
import {
  type AgentFrame,
  type CommandFrame,
  decodeClientFrame,
  type EventRecord,
  type UpdateFrame,
} from '../../shared/protocol/frames.js';
import { type PlainError, PROTOCOL_VERSION } from '../../shared/protocol/handshake.js';
import { MAX_PENDING_FRAMES, MAX_QUEUED_BYTES } from '../../shared/protocol/limits.js';
import type { SecureChannel } from '../../shared/session/channel.js';
import { SessionError } from '../../shared/session/errors.js';
import {
  answerClientHello,
  parseJson,
  type VerifiedClient,
  verifyClientAuth,
} from '../../shared/session/handshake.js';
import type { Identity } from '../../shared/session/keys.js';
import { CloseCode, MessageQueue, type MessageTransport } from '../../shared/session/transport.js';
import type { Clock } from '../clock.js';
import { describeError, type Logger } from '../log.js';
import type { DeviceRecord, DevicesRepo } from '../store/devices-repo.js';
import type { KvRepo } from '../store/kv-repo.js';
import { Admission, type AdmissionLimits, DEFAULT_ADMISSION, type Refusal, type Seat } from './admission.js';
import { AdmissionPasses } from './admission-pass.js';
import type { EventLog } from './event-log.js';
import type { Guard } from './guard.js';
import type { PairingService } from './pairing.js';
import type { StateStore } from './state.js';

/** A client sends its hello as soon as the socket opens; an idle socket is closed after this. */
export const HELLO_TIMEOUT_MS = 3_000;
/** From the agent's hello to the device's proof of identity (a slow phone signs in well under 1 s). */
export const AUTH_TIMEOUT_MS = 5_000;
/**
 * How long a connection its address has no room for waits for a hello with a paired device's pass
 * (a client sends its hello at once), and how many may wait on a path at one time.
 */
const APPEAL_MS = 1_000;
const MAX_APPEALS = 256;

export interface SessionMeta {
  path: 'direct' | 'relay';
  /** Where the connection came from, for rate limits and logs (an IP, or "relay:<ip>"). */
  source: string;
  /** The device authenticated: the relay may stop counting this stream against strangers' seats. */
  seated?: () => void;
}

export interface SessionHubDeps {
  identity: Identity;
  homeName: string;
  version: string;
  devices: DevicesRepo;
  pairing: PairingService;
  guard: Guard;
  state: StateStore;
  events: EventLog;
  clock: Clock;
  log: Logger;
  /** The database's small facts: where the admission passes' secret is kept. */
  kv: KvRepo;
  /** Called when a device's open sessions change (paired, connected, disconnected). */
  onDeviceChange?: (deviceId: string) => void;
  /** Limits on handshakes not yet authenticated (tests shrink them). */
  admission?: AdmissionLimits;
}

export class SessionHub {
  private readonly sessions = new Set<AgentSession>();
  private readonly admission: Admission;
  private readonly passes: AdmissionPasses;
  /** Connections waiting to show a pass, per path, oldest first: each entry refuses its own. */
  private readonly appeals = { direct: new Set<() => void>(), relay: new Set<() => void>() };
  private readonly shutdown = new AbortController();

  constructor(private readonly deps: SessionHubDeps) {
    this.admission = new Admission(deps.admission ?? DEFAULT_ADMISSION, deps.clock);
    this.passes = new AdmissionPasses(deps.kv, deps.devices, deps.clock);
  }

  accept(transport: MessageTransport, meta: SessionMeta): void {
    const queue = new MessageQueue();
    transport.onMessage = (m) => queue.push(m);
    transport.onClose = () => queue.fail(new SessionError('closed', 'connection closed during handshake'));
    const refuse = (code: string, message: string) => {
      const plain: PlainError = { t: 'error', code, message };
      transport.send(JSON.stringify(plain));
      transport.close(CloseCode.handshakeFailed, code);
    };
    const evict = () => {
      this.deps.log.info(`handshake from ${meta.source} dropped for a newer connection`);
      queue.fail(new SessionError('closed', 'dropped for a newer connection'));
      refuse('busy', 'the agent is busy with many opening connections; try again');
    };
    const seat = this.admission.enter(meta.path, meta.source, evict);
    if ('code' in seat) {
      this.appeal(meta, queue, seat, refuse, evict).then(
        (admitted) => {
          if (admitted)
            void this.handshake(transport, meta, queue, admitted.seat, { hello: admitted.hello }).finally(
              () => admitted.seat.leave(),
            );
        },
        (err: unknown) => {
          // Nothing an input can cause; but never an unhandled rejection, which would end the agent.
          this.deps.log.warn(`admission of ${meta.source} failed: ${describeError(err)}`);
          refuse(seat.code, seat.message);
        },
      );
      return;
    }
    void this.handshake(transport, meta, queue, seat).finally(() => seat.leave());
  }

  /**
   * A connection its address has no room for (rate or share used up, maybe by strangers behind the
   * same NAT) is refused unless its hello, which must come within APPEAL_MS, carries a paired
   * device's pass. At most MAX_APPEALS wait on a path; a newcomer refuses the oldest at once.
   */
  private async appeal(
    meta: SessionMeta,
    queue: MessageQueue,
    refusal: Refusal,
    refuse: (code: string, message: string) => void,
    evict: () => void,
  ): Promise<{ seat: Seat; hello: unknown } | undefined> {
    if (this.shutdown.signal.aborted) {
      refuse(refusal.code, refusal.message);
      return undefined;
    }
    const waiting = this.appeals[meta.path];
    const cancel = () => queue.fail(new SessionError('busy', 'too many connections waiting'));
    if (waiting.size >= MAX_APPEALS) {
      const oldest = waiting.values().next().value;
      if (oldest) {
        waiting.delete(oldest);
        oldest();
      }
    }
    waiting.add(cancel);
    let first: string | Uint8Array | undefined;
    try {
      first = await queue.next(APPEAL_MS, () => new SessionError('timeout', 'no hello'));
    } catch {
      // Closed, silent, or pushed out by a newer one: the refusal it would have had.
    } finally {
      waiting.delete(cancel);
    }
    const hello = typeof first === 'string' ? parseJson(first) : undefined;
    const deviceId =
      hello !== undefined && !this.shutdown.signal.aborted ? this.passes.recognize(hello) : undefined;
    const seat = deviceId ? this.admission.enterRecognized(meta.path, meta.source, deviceId, evict) : refusal;
    if ('code' in seat) {
      this.deps.log.info(`connection from ${meta.source} refused: ${seat.message}`);
      refuse(seat.code, seat.message);
      return undefined;
    }
    this.deps.log.info(
      `connection from ${meta.source} let in past its address's limit: device ${deviceId!.slice(0, 8)}'s pass`,
    );
    return { seat, hello };
  }

  /** Handshakes not yet authenticated on a path. */
  pendingHandshakes(path: SessionMeta['path']): number {
    return this.admission.pending(path);
  }

  sessionsOf(deviceId: string): number {
    let n = 0;
    for (const s of this.sessions) if (s.device.id === deviceId) n++;
    return n;
  }

  get size(): number {
    return this.sessions.size;
  }

  countByPath(): Record<'direct' | 'relay', number> {
    const n = { direct: 0, relay: 0 };
    for (const s of this.sessions) n[s.path]++;
    return n;
  }

  /** Ends every open session of a device at once (revocation). */
  closeDevice(deviceId: string, code: string, message: string): void {
    for (const s of [...this.sessions]) if (s.device.id === deviceId) s.end(CloseCode.revoked, code, message);
  }

  closeAll(): void {
    this.shutdown.abort();
    // Connections still waiting to show a pass are refused now, not seated during the shutdown.
    for (const waiting of Object.values(this.appeals)) {
      for (const cancel of waiting) cancel();
      waiting.clear();
    }
    for (const s of [...this.sessions]) s.end(CloseCode.shutdown, 'shutdown', 'the agent is stopping');
  }

  private async handshake(
    transport: MessageTransport,
    meta: SessionMeta,
    queue: MessageQueue,
    seat: Seat,
    /** The hello, parsed, when the appeal has read it already (and recognized its pass). */
    early?: { hello: unknown },
  ): Promise<void> {
    const { log } = this.deps;
    const timeout = () => new SessionError('timeout', 'handshake timed out');
    let channel: SecureChannel | undefined;
    try {
      let hello: unknown;
      if (early) hello = early.hello;
      else {
        const first = await queue.next(HELLO_TIMEOUT_MS, timeout);
        if (typeof first !== 'string') throw new SessionError('bad-handshake', 'expected a hello text frame');
        hello = parseJson(first);
        const deviceId = this.passes.recognize(hello);
        if (deviceId) seat.recognized(deviceId);
      }
      const state = await answerClientHello(hello, this.deps.identity);
      seat.advance('auth');
      transport.send(JSON.stringify(state.reply));
      const authFrame = await queue.next(AUTH_TIMEOUT_MS, timeout);
      if (typeof authFrame === 'string')
        throw new SessionError('bad-handshake', 'expected an encrypted auth frame');
      const client = await verifyClientAuth(state, authFrame);
      channel = state.channel;
      const device = this.authorize(client, meta);
      const session = new AgentSession(
        transport,
        channel,
        device,
        meta,
        this.deps,
        this.passes.keyFor(device.id),
        this.shutdown.signal,
        () => {
          this.sessions.delete(session);
          this.deps.onDeviceChange?.(device.id);
        },
      );
      this.sessions.add(session);
      meta.seated?.();
      this.deps.devices.touch(device.id, this.deps.clock.now());
      log.info(`device ${device.id.slice(0, 8)} (${device.name}) connected via ${meta.path}`);
      await session.begin(queue.drain());
      this.deps.onDeviceChange?.(device.id);
    } catch (err) {
      const e = err instanceof SessionError ? err : new SessionError('bad-handshake', 'handshake failed');
      if (!(err instanceof SessionError)) log.warn(`handshake error: ${describeError(err)}`);
      else log.info(`session refused (${meta.source}): ${e.code}`);
      if (e.code === 'closed') return;
      if (channel) {
        // The client has authenticated us, so tell it why, in a frame only it can read.
        const frame = await channel.seal(
          utf8(JSON.stringify({ t: 'error', code: e.code, message: e.message })),
        );
        transport.send(frame);
      } else {
        const plain: PlainError = { t: 'error', code: e.code, message: e.message };
        transport.send(JSON.stringify(plain));
      }
      transport.close(channel ? CloseCode.unauthorized : CloseCode.handshakeFailed, e.code);
    }
  }

  private authorize(client: VerifiedClient, meta: SessionMeta): DeviceRecord {
    const { auth, deviceId, deviceKey } = client;
    if (auth.pair) {
      const device = this.deps.pairing.redeem(
        auth.pair.code,
        { id: deviceId, publicKey: deviceKey, name: auth.pair.name, client: auth.client.kind },
        meta.source,
      );
      const inviter = device.invitedBy ? this.deps.devices.get(device.invitedBy)?.name : undefined;
      this.deps.events.append({
        kind: 'devices.paired',
        severity: 'info',
        subject: deviceId,
        message: inviter
          ? msg('devices.paired.byDevice', { name: device.name, by: inviter })
          : msg('devices.paired.byTerminal', { name: device.name }),
        data: { device: deviceId, name: device.name, by: device.invitedBy, byName: inviter ?? null },
      });
      return device;
    }
    const device = this.deps.devices.get(deviceId);
    if (!device)
      throw new SessionError('not-paired', 'this device is not paired with this home; pair it first');
    if (device.revokedAt !== null)
      throw new SessionError('revoked', 'this device was revoked; pair it again to use it');
    return device;
  }
}

class AgentSession {
  private closed = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly transport: MessageTransport,
    private readonly channel: SecureChannel,
    readonly device: DeviceRecord,
    private readonly meta: SessionMeta,
    private readonly deps: SessionHubDeps,
    /** The device's admission-pass key, sent in its welcome. */
    private readonly passKey: Uint8Array,
    private readonly signal: AbortSignal,
    private readonly onEnd: () => void,
  ) {}

  get path(): SessionMeta['path'] {
    return this.meta.path;
  }

  async begin(early: (string | Uint8Array)[]): Promise<void> {
    this.transport.onMessage = (m) => this.receive(m);
    this.transport.onClose = () => this.finish();
    await this.send({
      t: 'welcome',
      v: PROTOCOL_VERSION,
      device: { id: this.device.id, name: this.device.name },
      agent: { homeId: this.deps.identity.id, name: this.deps.homeName, version: this.deps.version },
      path: this.meta.path,
      pass: toBase64Url(this.passKey),
    });
    await this.send(this.deps.state.snapshot());
    this.unsubscribe.push(
      this.deps.state.subscribe((u: UpdateFrame) => void this.send(u)),
      this.deps.events.subscribe((event: EventRecord) => void this.send({ t: 'event', event })),
    );
    for (const m of early) this.receive(m);
  }

  end(closeCode: number, code: string, message: string): void {
    if (this.closed) return;
    this.closedForInput = true;
    const bye: AgentFrame = { t: 'bye', code, message };
    void this.channel.seal(utf8(JSON.stringify(bye))).then(
      (sealed) => {
        this.transport.send(sealed);
        this.transport.close(closeCode, code);
      },
      () => this.transport.close(closeCode, code),
    );
    // Finish now, not when the socket reports closed: revocation and shutdown take effect at once.
    this.finish();
  }

  private closedForInput = false;

  private receive(message: string | Uint8Array): void {
    if (this.closed || this.closedForInput) return;
    if (typeof message === 'string') {
      this.deps.log.warn(`device ${this.device.id.slice(0, 8)} sent a clear-text frame; closing`);
      this.transport.close(CloseCode.frameRejected, 'frame-rejected');
      this.finish();
      return;
    }
    // Frames are opened (and answered) in turn; a peer that sends faster than that is dropped.
    if (this.pending >= MAX_PENDING_FRAMES) {
      this.overloaded('sends faster than it can be served');
      return;
    }
    this.pending++;
    this.channel.open(message).then(
      (plain) => {
        this.pending--;
        this.handle(plain);
      },
      (err) => {
        this.pending--;
        if (this.closed) return;
        this.deps.log.warn(`session of ${this.device.id.slice(0, 8)}: ${describeError(err)}; closing`);
        this.closedForInput = true;
        this.transport.close(CloseCode.frameRejected, 'frame-rejected');
        this.finish();
      },
    );
  }

  private handle(plain: Uint8Array): void {
    if (this.closed || this.closedForInput) return;
    let value: unknown;
    try {
      value = JSON.parse(fromUtf8(plain));
    } catch {
      this.deps.log.warn('undecodable frame ignored');
      return;
    }
    const decoded = decodeClientFrame(value);
    if (!decoded.ok) {
      if (decoded.unknownType) {
        this.deps.log.info(`ignored frame: ${decoded.reason}`);
        return;
      }
      const id = (value as { id?: unknown }).id;
      if (typeof id === 'string' && id.length > 0 && id.length <= 64)
        void this.send({
          t: 'result',
          id,
          status: 'error',
          error: { code: 'bad-frame', message: decoded.reason },
        });
      else this.deps.log.info(`malformed frame ignored: ${decoded.reason}`);
      return;
    }
    const frame = decoded.frame;
    switch (frame.t) {
      case 'cmd':
        this.pending++;
        void this.command(frame).finally(() => {
          this.pending--;
        });
        return;
      case 'cancel': {
        const refused = this.deps.guard.cancel(frame.challenge, this.device.id);
        void this.send(
          refused
            ? { t: 'result', id: frame.id, status: 'error', error: refused }
            : { t: 'result', id: frame.id, status: 'ok', data: { cancelled: true } },
        );
        return;
      }
      case 'resync':
        // One snapshot at a time: asking again before the last one left changes nothing.
        if (this.snapshotPending) return;
        this.snapshotPending = true;
        void this.send(this.deps.state.snapshot()).finally(() => {
          this.snapshotPending = false;
        });
        return;
      case 'ping':
        void this.send({ t: 'pong', ...(frame.at !== undefined ? { at: frame.at } : {}) });
        return;
    }
  }

  private async command(cmd: CommandFrame): Promise<void> {
    const result = await this.deps.guard.execute(
      cmd,
      { id: this.device.id, name: this.device.name },
      {
        progress: (stage, message, data) =>
          void this.send({
            t: 'progress',
            id: cmd.id,
            stage,
            ...(message !== undefined ? { message: english(message) } : {}),
            ...(refOf(message) ? { msg: refOf(message) } : {}),
            ...(data ? { data } : {}),
          }),
        signal: this.signal,
        stillAuthorized: () => this.deps.devices.get(this.device.id)?.revokedAt === null,
      },
    );
    await this.send(result);
  }

  private async send(frame: AgentFrame): Promise<void> {
    if (this.closed) return;
    // Sealing is ours to pace; bytes the peer does not take are not.
    if ((this.transport.buffered?.() ?? 0) > MAX_QUEUED_BYTES) {
      this.overloaded('does not take what it is sent');
      return;
    }
    try {
      // Once sealed, a frame must go out: its counter is spent, and skipping it would look like tampering.
      const sealed = await this.channel.seal(utf8(JSON.stringify(frame)));
      this.transport.send(sealed);
    } catch (err) {
      this.deps.log.warn(`send failed: ${describeError(err)}`);
    }
  }

  /** Frames received and not yet handled (opened, or a command still running): bounded. */
  private pending = 0;
  private snapshotPending = false;

  private overloaded(why: string): void {
    if (this.closed) return;
    this.deps.log.warn(`session of ${this.device.id.slice(0, 8)} via ${this.meta.path} ${why}; dropped`);
    this.closedForInput = true;
    this.transport.close(CloseCode.overloaded, 'overloaded');
    this.finish();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribe) u();
    this.deps.devices.touch(this.device.id, this.deps.clock.now());
    this.onEnd();
  }
}
