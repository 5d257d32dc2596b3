import type { EventRecord } from '../../shared/protocol/frames.js';
import type { Db } from './db.js';

interface Row {
  id: number;
  at: number;
  kind: string;
  severity: EventRecord['severity'];
  subject: string | null;
  message: string;
  data: string | null;
  msg: string | null;
}

function parseJson<T>(text: string | null): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

const fromRow = (r: Row): EventRecord => ({
  id: r.id,
  at: r.at,
  kind: r.kind,
  severity: r.severity,
  ...(r.subject ? { subject: r.subject } : {}),
  message: r.message,
  ...(r.msg ? { msg: parseJson<NonNullable<EventRecord['msg']>>(r.msg) } : {}),
  ...(r.data ? { data: JSON.parse(r.data) as Record<string, unknown> } : {}),
});

export class EventsRepo {
  constructor(private readonly db: Db) {}

  append(e: Omit<EventRecord, 'id'>): EventRecord {
    const r = this.db
      .prepare(
        'INSERT INTO events (at, kind, severity, subject, message, data, msg) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        e.at,
        e.kind,
        e.severity,
        e.subject ?? null,
        e.message,
        e.data ? JSON.stringify(e.data) : null,
        e.msg ? JSON.stringify(e.msg) : null,
      );
    return { ...e, id: Number(r.lastInsertRowid) };
  }

  list(opts: { limit: number; beforeId?: number | undefined; kind?: string | undefined }): EventRecord[] {
    const rows = (
      opts.kind
        ? this.db
            .prepare('SELECT * FROM events WHERE id < ? AND kind = ? ORDER BY id DESC LIMIT ?')
            .all(opts.beforeId ?? Number.MAX_SAFE_INTEGER, opts.kind, opts.limit)
        : this.db
            .prepare('SELECT * FROM events WHERE id < ? ORDER BY id DESC LIMIT ?')
            .all(opts.beforeId ?? Number.MAX_SAFE_INTEGER, opts.limit)
    ) as Row[];
    return rows.map(fromRow);
  }
}
