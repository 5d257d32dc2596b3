// A paired device's view of home: a mirror of the agent's state (snapshot + gap-free updates),
// commands matched to results by id with progress, and the live event stream.
// Holds no UI and no I/O beyond the session it is given (shared by the PWA and ctl).

import * as v from 'valibot';
import { randomBytes, toBase64Url } from '../bytes.js';
import type { ActionSpec, CallOf, ResultOf } from '../protocol/action.js';
import type { ErrorInfo } from '../protocol/errors.js';
import type {
  Confirmation,
  EventRecord,
  ProgressFrame,
  ResultFrame,
  WelcomeFrame,
} from '../protocol/frames.js';
import { describeIssues } from '../protocol/issues.js';
import { type EntityData, type EntityKind, EntityTable, type TypedEntity } from '../protocol/vocabulary.js';
import type { ClientSession } from '../session/client-session.js';
import type { SessionError } from '../session/errors.js';

export interface CommandOptions {
  target?: string | undefined;
  args?: Record<string, unknown> | undefined;
  confirm?: { challenge: string; text?: string | undefined; passkey?: Record<string, unknown> } | undefined;
  onProgress?: (p: ProgressFrame) => void;
}

/** How a call goes besides its target and arguments: the confirmation answer, progress. */
export interface RunOptions {
  confirm?: { challenge: string; text?: string | undefined; passkey?: Record<string, unknown> } | undefined;
  onProgress?: ((p: ProgressFrame) => void) | undefined;
}

export type CommandOutcome<T = unknown> =
  | { status: 'ok'; data: T }
  | { status: 'error'; error: ErrorInfo }
  | { status: 'confirm'; confirm: Confirmation };

/** What became of a cancel: done, refused by the agent (nothing changed), or no answer in time. */
export type CancelOutcome =
  | { status: 'cancelled' }
  | { status: 'error'; error: ErrorInfo }
  | { status: 'unanswered' };

/** How long a cancel waits for its answer: an agent that predates the frame never answers it. */
export const CANCEL_WAIT_MS = 2_000;

interface Pending {
  resolve: (r: CommandOutcome) => void;
  reject: (e: Error) => void;
  onProgress?: ((p: ProgressFrame) => void) | undefined;
}

export class AgentClient {
  readonly entities = new EntityTable();
  seq = -1;
  /** Agent time of the last state received: what "as of" means on screen. */
  stateAt = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly stateListeners = new Set<() => void>();
  private readonly eventListeners = new Set<(e: EventRecord) => void>();
  private readonly closeListeners = new Set<(e: SessionError | null) => void>();
  private snapshotWaiters: (() => void)[] = [];

  constructor(private readonly session: ClientSession) {
    session.onFrame = (frame) => {
      switch (frame.t) {
        case 'snapshot':
          this.entities.clear();
          for (const e of frame.entities) this.entities.put(e);
          this.seq = frame.seq;
          this.stateAt = frame.at;
          for (const w of this.snapshotWaiters.splice(0)) w();
          this.emitState();
          return;
        case 'update':
          if (this.seq < 0) return;
          if (frame.seq !== this.seq + 1) {
            // A gap: something was missed. Ask for the whole state again rather than guess.
            this.seq = -1;
            void this.session.send({ t: 'resync' }).catch(() => undefined);
            return;
          }
          this.seq = frame.seq;
          this.stateAt = frame.at;
          if (frame.entity) this.entities.put(frame.entity);
          if (frame.removed) this.entities.remove(frame.removed.kind, frame.removed.id);
          this.emitState();
          return;
        case 'result':
          this.settle(frame);
          return;
        case 'progress':
          this.pending.get(frame.id)?.onProgress?.(frame);
          return;
        case 'event':
          for (const l of this.eventListeners) l(frame.event);
          return;
        case 'bye':
        case 'error':
        case 'welcome':
        case 'pong':
          return;
      }
    };
    session.onClose = (error) => {
      for (const p of this.pending.values()) p.reject(error ?? new Error('the session closed'));
      this.pending.clear();
      for (const l of this.closeListeners) l(error);
    };
    session.start();
  }

  get welcome(): WelcomeFrame {
    return this.session.welcome;
  }

  /** The agent's public key as proven in the handshake (pinned at pairing). */
  get agentKey(): Uint8Array {
    return this.session.agentKey;
  }

  /** Resolves once the first snapshot has arrived. */
  ready(): Promise<void> {
    if (this.seq >= 0) return Promise.resolve();
    return new Promise((resolve) => this.snapshotWaiters.push(resolve));
  }

  list<K extends EntityKind>(kind: K): TypedEntity<K>[] {
    return this.entities.list(kind);
  }

  get<K extends EntityKind>(kind: K, id: string): EntityData<K> | undefined {
    return this.entities.get(kind, id);
  }

  /**
   * Runs an action of the shared vocabulary: its name, target and arguments are checked by the
   * compiler, and its result (where the spec declares one) is validated before the caller sees it.
   */
  async run<S extends ActionSpec>(
    spec: S,
    call: CallOf<S>,
    opts: RunOptions = {},
  ): Promise<CommandOutcome<ResultOf<S>>> {
    const outcome = await this.command(spec.name, {
      target: call.target,
      args: call.args as Record<string, unknown> | undefined,
      confirm: opts.confirm,
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    });
    return checkResult(spec, outcome);
  }

  /** Sends a command by its wire name: the raw form under `run`, for tests that craft frames. */
  async command(action: string, opts: CommandOptions = {}): Promise<CommandOutcome> {
    const id = toBase64Url(randomBytes(9));
    const outcome = new Promise<CommandOutcome>((resolve, reject) =>
      this.pending.set(id, { resolve, reject, onProgress: opts.onProgress }),
    );
    // The session may close while the frame is being sealed, rejecting `outcome` before the caller
    // holds it (an unhandled rejection); the caller still gets it through the returned promise.
    outcome.catch(() => undefined);
    try {
      await this.session.send({
        t: 'cmd',
        id,
        action,
        ...(opts.target !== undefined ? { target: opts.target } : {}),
        ...(opts.args ? { args: opts.args } : {}),
        ...(opts.confirm ? { confirm: opts.confirm } : {}),
      });
    } catch (err) {
      this.pending.delete(id);
      throw err;
    }
    return outcome;
  }

  /**
   * Tells the agent the user declined the confirmation `challenge`, so it is dropped and audited as
   * cancelled. Best effort and never throws: a closed session or an agent that ignores the frame
   * (one that predates it) settles as `unanswered` after `waitMs`; the challenge then just expires.
   */
  async cancel(challenge: string, waitMs = CANCEL_WAIT_MS): Promise<CancelOutcome> {
    const id = toBase64Url(randomBytes(9));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const answer = new Promise<CancelOutcome>((resolve) => {
      const settle = (o: CancelOutcome) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(o);
      };
      timer = setTimeout(() => settle({ status: 'unanswered' }), waitMs);
      this.pending.set(id, {
        resolve: (r) =>
          settle(
            r.status === 'ok'
              ? { status: 'cancelled' }
              : r.status === 'error'
                ? { status: 'error', error: r.error }
                : { status: 'unanswered' },
          ),
        reject: () => settle({ status: 'unanswered' }),
      });
    });
    try {
      await this.session.send({ t: 'cancel', id, challenge });
    } catch {
      this.pending.get(id)?.reject(new Error('not sent'));
    }
    return answer;
  }

  onState(listener: () => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onEvent(listener: (e: EventRecord) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  onClose(listener: (e: SessionError | null) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  close(): void {
    this.session.close();
  }

  get closed(): boolean {
    return this.session.isClosed;
  }

  private settle(frame: ResultFrame): void {
    const p = this.pending.get(frame.id);
    if (!p) return;
    this.pending.delete(frame.id);
    if (frame.status === 'ok') p.resolve({ status: 'ok', data: frame.data });
    else if (frame.status === 'error') p.resolve({ status: 'error', error: frame.error });
    else p.resolve({ status: 'confirm', confirm: frame.confirm });
  }

  private emitState(): void {
    for (const l of this.stateListeners) l();
  }
}

/** A result that does not match its spec is an error the caller sees, never data of the wrong shape. */
export function checkResult<S extends ActionSpec>(
  spec: S,
  outcome: CommandOutcome,
): CommandOutcome<ResultOf<S>> {
  if (outcome.status !== 'ok' || !spec.result) return outcome as CommandOutcome<ResultOf<S>>;
  const r = v.safeParse(spec.result, outcome.data);
  if (r.success) return { status: 'ok', data: r.output as ResultOf<S> };
  return {
    status: 'error',
    error: {
      code: 'bad-frame',
      message: `the agent answered ${spec.name} with an unexpected result: ${describeIssues(r.issues, 'result')}`,
    },
  };
}
