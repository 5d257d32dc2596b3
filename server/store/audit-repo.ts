import type { AuditResolution } from '../../shared/protocol/activity.js';
import type { MessageRef } from '../../shared/protocol/message.js';
import type { Db } from './db.js';

export type AuditDecision = 'allowed' | 'confirm-required' | 'confirmed' | 'refused';
export type AuditOutcome = 'running' | 'ok' | 'error' | 'refused' | 'pending';

export interface AuditEntry {
  id: number;
  at: number;
  deviceId: string | null;
  deviceName: string | null;
  action: string;
  target: string | null;
  args: string | null;
  decision: AuditDecision;
  outcome: AuditOutcome;
  code: string | null;
  message: string | null;
  finishedAt: number | null;
  /** `message` as a catalogue message. */
  msg?: MessageRef;
  /** What became of a request that had to be confirmed. */
  resolution?: AuditResolution;
}

/** An entry as written: the id and finish time come from the database. */
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'finishedAt' | 'code' | 'message' | 'resolution'> &
  Partial<Pick<AuditEntry, 'code' | 'message'>>;

interface Row {
  id: number;
  at: number;
  device_id: string | null;
  device_name: string | null;
  action: string;
  target: string | null;
  args: string | null;
  decision: AuditDecision;
  outcome: AuditOutcome;
  code: string | null;
  message: string | null;
  finished_at: number | null;
  msg: string | null;
  resolution: AuditResolution | null;
}

function parseMsg(text: string | null): MessageRef | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as MessageRef;
  } catch {
    return undefined;
  }
}

const fromRow = (r: Row): AuditEntry => ({
  id: r.id,
  at: r.at,
  deviceId: r.device_id,
  deviceName: r.device_name,
  action: r.action,
  target: r.target,
  args: r.args,
  decision: r.decision,
  outcome: r.outcome,
  code: r.code,
  message: r.message,
  finishedAt: r.finished_at,
  ...(r.msg ? { msg: parseMsg(r.msg) } : {}),
  ...(r.resolution ? { resolution: r.resolution } : {}),
});

/** The row's code once resolved (the column has no CHECK: a new resolution needs no migration). */
const RESOLUTION_CODE: Record<AuditResolution, string | null> = {
  confirmed: null,
  expired: 'challenge-expired',
  cancelled: 'cancelled',
  interrupted: 'agent-restarted',
};

/** Each call is its own committed transaction (synchronous=FULL): durable when it returns. */
export class AuditRepo {
  constructor(private readonly db: Db) {}

  append(e: NewAuditEntry): number {
    const r = this.db
      .prepare(
        `INSERT INTO audit (at, device_id, device_name, action, target, args, decision, outcome, code, message, finished_at, msg)
         VALUES (@at, @deviceId, @deviceName, @action, @target, @args, @decision, @outcome, @code, @message, @finishedAt, @msg)`,
      )
      .run({
        at: e.at,
        deviceId: e.deviceId,
        deviceName: e.deviceName,
        action: e.action,
        target: e.target,
        args: e.args,
        decision: e.decision,
        outcome: e.outcome,
        code: e.code ?? null,
        message: e.message ?? null,
        finishedAt: e.outcome === 'running' ? null : e.at,
        msg: e.msg ? JSON.stringify(e.msg) : null,
      });
    return Number(r.lastInsertRowid);
  }

  finish(
    id: number,
    outcome: 'ok' | 'error',
    at: number,
    code: string | null,
    message: string | null,
    msg?: MessageRef,
  ): void {
    this.db
      .prepare('UPDATE audit SET outcome = ?, code = ?, message = ?, finished_at = ?, msg = ? WHERE id = ?')
      .run(outcome, code, message, at, msg ? JSON.stringify(msg) : null, id);
  }

  /**
   * A request that waited for confirmation got its answer: confirmed (its run is a row of its own),
   * expired, or cancelled by the device that asked. Only once: the first answer stands. The outcome
   * turns final too, so older apps stop showing "awaiting confirmation".
   */
  resolve(id: number, resolution: AuditResolution, at: number): void {
    this.db
      .prepare(
        `UPDATE audit SET resolution = ?, outcome = ?, code = ?, finished_at = ? WHERE id = ? AND outcome = 'pending'`,
      )
      .run(resolution, resolution === 'confirmed' ? 'ok' : 'refused', RESOLUTION_CODE[resolution], at, id);
  }

  /**
   * Requests still waiting for a confirmation that can no longer come: the agent stopped, and its
   * challenges with it. Interrupted, not expired: the owner may well have been about to confirm.
   */
  interruptPending(before: number, at: number): number {
    return this.db
      .prepare(
        `UPDATE audit SET resolution = 'interrupted', outcome = 'refused', code = ?, finished_at = ?
         WHERE outcome = 'pending' AND at < ?`,
      )
      .run(RESOLUTION_CODE.interrupted, at, before).changes;
  }

  get(id: number): AuditEntry | undefined {
    const row = this.db.prepare('SELECT * FROM audit WHERE id = ?').get(id) as Row | undefined;
    return row && fromRow(row);
  }

  list(opts: { limit: number; beforeId?: number | undefined }): AuditEntry[] {
    const rows = this.db
      .prepare('SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?')
      .all(opts.beforeId ?? Number.MAX_SAFE_INTEGER, opts.limit) as Row[];
    return rows.map(fromRow);
  }

  /** Entries still 'running' were cut off by a crash or power loss; say so instead of leaving them open. */
  closeInterrupted(at: number): number {
    return this.db
      .prepare(
        `UPDATE audit SET outcome = 'error', code = 'interrupted', message = 'the agent stopped before this finished',
           msg = '{"key":"guard.interrupted"}', finished_at = ?
         WHERE outcome = 'running'`,
      )
      .run(at).changes;
  }
}
