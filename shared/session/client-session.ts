// The device side of a session: handshake over any MessageTransport, then typed frames in and out.
// Used unchanged by the PWA (browser WebSocket) and `lifeline ctl` (Node `ws`).
import * as v from 'valibot';
import { fromUtf8, utf8 } from '../bytes.js';
import {
  type AgentFrame,
  type ClientFrame,
  decodeAgentFrame,
  type WelcomeFrame,
} from '../protocol/frames.js';
import { type ClientAuth, PlainError } from '../protocol/handshake.js';
import type { SecureChannel } from './channel.js';
import { SessionError, type SessionErrorCode } from './errors.js';
import { finishClientHandshake, parseJson, startClientHandshake } from './handshake.js';
import type { Identity } from './keys.js';
import { CloseCode, MessageQueue, type MessageTransport } from './transport.js';

export interface ClientSessionOptions {
  homeId: string;
  /** The agent key pinned at pairing; absent only while pairing. */
  pinnedAgentKey?: Uint8Array | undefined;
  device: Identity;
  client: ClientAuth['client'];
  pair?: ClientAuth['pair'];
  /** The admission-pass key from this device's last welcome (`welcome.pass`); absent before the first. */
  passKey?: Uint8Array | undefined;
  timeoutMs?: number;
}

const KNOWN_CODES: readonly SessionErrorCode[] = [
  'bad-handshake',
  'wrong-home',
  'agent-key-mismatch',
  'bad-signature',
  'frame-rejected',
  'not-paired',
  'revoked',
  'pairing-code-invalid',
  'pairing-rate-limited',
  'busy',
  'rate-limited',
  'version-unsupported',
  'timeout',
  'closed',
  'home-offline',
  'unknown-home',
];

function refusal(code: string, message: string): SessionError {
  const known = (KNOWN_CODES as readonly string[]).includes(code)
    ? (code as SessionErrorCode)
    : 'bad-handshake';
  return new SessionError(known, message.slice(0, 300));
}

export class ClientSession {
  onFrame: ((frame: AgentFrame) => void) | null = null;
  onClose: ((error: SessionError | null) => void) | null = null;
  private closed = false;

  constructor(
    private readonly transport: MessageTransport,
    private readonly channel: SecureChannel,
    readonly welcome: WelcomeFrame,
    readonly agentKey: Uint8Array,
    private readonly pending: MessageQueue,
  ) {}

  /** Call once onFrame is set: frames that followed the welcome (the snapshot) are delivered then. */
  start(): void {
    const early = this.pending.drain();
    this.transport.onMessage = (m) => this.receive(m);
    this.transport.onClose = (code, reason) =>
      this.finish(
        code === CloseCode.normal
          ? null
          : new SessionError(code === CloseCode.revoked ? 'revoked' : 'closed', reason || `closed (${code})`),
      );
    for (const m of early) this.receive(m);
    const failure = this.pending.failure;
    if (failure)
      this.finish(failure instanceof SessionError ? failure : new SessionError('closed', failure.message));
  }

  async send(frame: ClientFrame): Promise<void> {
    if (this.closed) throw new SessionError('closed', 'the session is closed');
    const sealed = await this.channel.seal(utf8(JSON.stringify(frame)));
    this.transport.send(sealed);
  }

  close(): void {
    this.transport.close(CloseCode.normal, 'bye');
    this.finish(null);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private receive(message: string | Uint8Array): void {
    if (this.closed) return;
    if (typeof message === 'string') {
      this.fail(new SessionError('frame-rejected', 'the agent sent a clear-text frame inside the session'));
      return;
    }
    this.channel.open(message).then(
      (plain) => {
        if (this.closed) return;
        const decoded = decodeAgentFrame(parseJson(fromUtf8(plain)));
        if (decoded.ok) this.onFrame?.(decoded.frame);
        else if (!decoded.unknownType)
          this.fail(new SessionError('frame-rejected', `invalid frame from agent: ${decoded.reason}`));
      },
      (err: unknown) =>
        this.fail(
          err instanceof SessionError ? err : new SessionError('frame-rejected', 'undecryptable frame'),
        ),
    );
  }

  private fail(error: SessionError): void {
    this.transport.close(CloseCode.frameRejected, error.code);
    this.finish(error);
  }

  private finish(error: SessionError | null): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose?.(error);
  }
}

/** Runs the handshake. Rejects with a SessionError whose message is fit to show the user. */
export async function openClientSession(
  transport: MessageTransport,
  opts: ClientSessionOptions,
): Promise<ClientSession> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const queue = new MessageQueue();
  transport.onMessage = (m) => queue.push(m);
  transport.onClose = (code, reason) =>
    queue.fail(
      new SessionError(
        'closed',
        `the connection closed during the handshake (${code}${reason ? ` ${reason}` : ''})`,
      ),
    );
  const timeout = () => new SessionError('timeout', 'the agent did not answer in time');
  try {
    const start = await startClientHandshake(opts.homeId, opts.passKey);
    transport.send(JSON.stringify(start.hello));
    const reply = await queue.next(timeoutMs, timeout);
    if (typeof reply !== 'string') throw new SessionError('bad-handshake', 'expected the agent hello');
    const raw = parseJson(reply);
    const plainError = v.safeParse(PlainError, raw);
    if (plainError.success) throw refusal(plainError.output.code, plainError.output.message);
    const hs = await finishClientHandshake(start, raw, opts);
    transport.send(hs.authFrame);
    const first = await queue.next(timeoutMs, timeout);
    if (typeof first === 'string') {
      const p = v.safeParse(PlainError, parseJson(first));
      throw p.success
        ? refusal(p.output.code, p.output.message)
        : new SessionError('bad-handshake', 'unexpected clear-text frame');
    }
    const decoded = decodeAgentFrame(parseJson(fromUtf8(await hs.channel.open(first))));
    if (!decoded.ok) throw new SessionError('bad-handshake', `invalid first frame: ${decoded.reason}`);
    if (decoded.frame.t === 'error') throw refusal(decoded.frame.code, decoded.frame.message);
    if (decoded.frame.t !== 'welcome')
      throw new SessionError('bad-handshake', 'the agent did not send a welcome');
    return new ClientSession(transport, hs.channel, decoded.frame, hs.agentKey, queue);
  } catch (err) {
    transport.close(CloseCode.handshakeFailed, 'handshake failed');
    throw err instanceof SessionError ? err : new SessionError('bad-handshake', 'the handshake failed');
  }
}
