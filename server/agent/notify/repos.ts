import type { Db } from '../../store/db.js';

export interface SubscriptionRecord {
  id: string;
  deviceId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  lang: string;
  /** Event kind prefixes this device wants (null: the default set). */
  kinds: string[] | null;
  createdAt: number;
}

interface SubRow {
  id: string;
  device_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  lang: string;
  kinds: string | null;
  created_at: number;
}

const subFromRow = (r: SubRow): SubscriptionRecord => ({
  id: r.id,
  deviceId: r.device_id,
  endpoint: r.endpoint,
  p256dh: r.p256dh,
  auth: r.auth,
  lang: r.lang,
  kinds: r.kinds ? (JSON.parse(r.kinds) as string[]) : null,
  createdAt: r.created_at,
});

export class SubscriptionsRepo {
  constructor(private readonly db: Db) {}

  list(): SubscriptionRecord[] {
    return (this.db.prepare('SELECT * FROM push_subscriptions ORDER BY created_at').all() as SubRow[]).map(
      subFromRow,
    );
  }

  get(id: string): SubscriptionRecord | undefined {
    const r = this.db.prepare('SELECT * FROM push_subscriptions WHERE id = ?').get(id) as SubRow | undefined;
    return r && subFromRow(r);
  }

  upsert(s: SubscriptionRecord): void {
    this.db
      .prepare(
        `INSERT INTO push_subscriptions (id, device_id, endpoint, p256dh, auth, lang, kinds, created_at)
         VALUES (@id, @deviceId, @endpoint, @p256dh, @auth, @lang, @kinds, @createdAt)
         ON CONFLICT(id) DO UPDATE SET device_id = excluded.device_id, p256dh = excluded.p256dh, auth = excluded.auth,
           lang = excluded.lang, kinds = excluded.kinds`,
      )
      .run({ ...s, kinds: s.kinds ? JSON.stringify(s.kinds) : null });
  }

  setKinds(id: string, kinds: string[] | null): void {
    this.db
      .prepare('UPDATE push_subscriptions SET kinds = ? WHERE id = ?')
      .run(kinds ? JSON.stringify(kinds) : null, id);
  }

  remove(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM push_subscriptions WHERE id = ?').run(id);
      this.db.prepare('DELETE FROM outbox WHERE target = ?').run(`push:${id}`);
    })();
  }

  removeDevice(deviceId: string): string[] {
    const ids = (
      this.db.prepare('SELECT id FROM push_subscriptions WHERE device_id = ?').all(deviceId) as {
        id: string;
      }[]
    ).map((r) => r.id);
    for (const id of ids) this.remove(id);
    return ids;
  }
}

export interface OutboxRow {
  id: number;
  created_at: number;
  not_before: number;
  target: string;
  payload: string;
  ttl: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  topic: string | null;
  attempts: number;
}

/** Notifications waiting to leave the house: durable, so nothing is lost while the link is down. */
export class OutboxRepo {
  constructor(private readonly db: Db) {}

  add(row: Omit<OutboxRow, 'id' | 'attempts'>): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO outbox (created_at, not_before, target, payload, ttl, urgency, topic)
           VALUES (@created_at, @not_before, @target, @payload, @ttl, @urgency, @topic)`,
        )
        .run(row).lastInsertRowid,
    );
  }

  due(prefix: string, now: number, limit = 100): OutboxRow[] {
    return this.db
      .prepare('SELECT * FROM outbox WHERE target LIKE ? AND not_before <= ? ORDER BY id LIMIT ?')
      .all(`${prefix}%`, now, limit) as OutboxRow[];
  }

  nextDue(prefix: string): number | undefined {
    const r = this.db
      .prepare('SELECT MIN(not_before) AS n FROM outbox WHERE target LIKE ?')
      .get(`${prefix}%`) as { n: number | null };
    return r.n ?? undefined;
  }

  remove(ids: readonly number[]): void {
    const del = this.db.prepare('DELETE FROM outbox WHERE id = ?');
    this.db.transaction(() => {
      for (const id of ids) del.run(id);
    })();
  }

  retryAt(id: number, at: number): void {
    this.db.prepare('UPDATE outbox SET attempts = attempts + 1, not_before = ? WHERE id = ?').run(at, id);
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
  }
}
