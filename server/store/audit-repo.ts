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
}

/** An entry as written: the id and finish time come from the database. */
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'finishedAt' | 'code' | 'message'> &
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
});

/** Each call is its own committed transaction (synchronous=FULL): durable when it returns. */
export class AuditRepo {
  constructor(private readonly db: Db) {}

  append(e: NewAuditEntry): number {
    const r = this.db
      .prepare(
        `INSERT INTO audit (at, device_id, device_name, action, target, args, decision, outcome, code, message, finished_at)
         VALUES (@at, @deviceId, @deviceName, @action, @target, @args, @decision, @outcome, @code, @message, @finishedAt)`,
      )
      .run({
        ...e,
        code: e.code ?? null,
        message: e.message ?? null,
        finishedAt: e.outcome === 'running' ? null : e.at,
      });
    return Number(r.lastInsertRowid);
  }

  finish(id: number, outcome: 'ok' | 'error', at: number, code: string | null, message: string | null): void {
    this.db
      .prepare('UPDATE audit SET outcome = ?, code = ?, message = ?, finished_at = ? WHERE id = ?')
      .run(outcome, code, message, at, id);
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
        `UPDATE audit SET outcome = 'error', code = 'interrupted', message = 'the agent stopped before this finished', finished_at = ?
         WHERE outcome = 'running'`,
      )
      .run(at).changes;
  }
}
