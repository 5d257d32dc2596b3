// The relay's state in PostgreSQL, shared by every instance of one relay. Each decision is one
// statement or one transaction: a conditional UPDATE … RETURNING says which instance sends a
// notice, `FOR UPDATE SKIP LOCKED` plus a lease hands each queued push to one instance. Times are
// the instances' clocks (epoch ms), so their clocks should agree within a second or so (NTP).
import pg from 'pg';
import { migratePg } from './pg-schema.js';
import type {
  ClaimOptions,
  HomeFacts,
  HomeRow,
  NewQueueRow,
  QueueRow,
  RelayState,
  SubscriptionRow,
} from './state.js';

const INT8 = 20;
/** Epoch milliseconds and row ids fit a double; pg would hand them over as strings. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PgStateOptions {
  url: string;
  /** Called for errors of idle connections (the server went away); they must not crash the relay. */
  onIdleError?: (err: Error) => void;
}

const DROPPED = 'expect_dropped = CASE WHEN expect_until IS NULL THEN expect_dropped ELSE 1 END';

export class PgState implements RelayState {
  readonly kind = 'postgres';
  private readonly pool: pg.Pool;

  constructor(opts: PgStateOptions) {
    this.pool = new pg.Pool({
      connectionString: opts.url,
      types,
      max: 8,
      connectionTimeoutMillis: 5000,
      query_timeout: 15_000,
      idleTimeoutMillis: 30_000,
      application_name: 'lifeline-relay',
    });
    this.pool.on('error', (err) => opts.onIdleError?.(err));
  }

  async open(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await migratePg(client);
      client.release();
    } catch (err) {
      client.release(err as Error);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async q<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    return (await this.pool.query<R>(text, values)).rows;
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const out = await fn(client);
      await client.query('COMMIT');
      client.release();
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      client.release(err as Error);
      throw err;
    }
  }

  async kvGet<T>(key: string): Promise<T | undefined> {
    const [row] = await this.q<{ value: string }>('SELECT value FROM kv WHERE key = $1', [key]);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async kvSet(key: string, value: unknown): Promise<void> {
    await this.q(
      'INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value',
      [key, JSON.stringify(value)],
    );
  }

  async kvSetIfAbsent<T>(key: string, value: T): Promise<T> {
    await this.q('INSERT INTO kv (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
      key,
      JSON.stringify(value),
    ]);
    return (await this.kvGet<T>(key))!;
  }

  async home(id: string): Promise<HomeRow | undefined> {
    return (await this.q<HomeRow>('SELECT * FROM homes WHERE id = $1', [id]))[0];
  }

  async homes(): Promise<HomeRow[]> {
    return this.q<HomeRow>('SELECT * FROM homes');
  }

  async homeCounts(): Promise<{ homes: number; online: number }> {
    const [row] = await this.q<{ homes: number; online: number }>(
      'SELECT COUNT(*)::int AS homes, COALESCE(SUM(online), 0)::int AS online FROM homes',
    );
    return row!;
  }

  async upsertHome(id: string, name: string, timeZone: string): Promise<void> {
    await this.q(
      `INSERT INTO homes (id, name, time_zone) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, time_zone = EXCLUDED.time_zone`,
      [id, name, timeZone],
    );
  }

  async linkUp(
    id: string,
    instance: string,
    address: string,
    now: number,
    facts?: HomeFacts,
  ): Promise<HomeRow | null> {
    return this.tx(async (c) => {
      if (facts)
        await c.query(
          `INSERT INTO homes (id, name, time_zone) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, time_zone = EXCLUDED.time_zone`,
          [id, facts.name, facts.timeZone],
        );
      // The row lock orders this against another instance's claimOffline or linkUp: whichever
      // comes second sees what the first wrote ("back" only after an "offline" that was sent).
      const before = (await c.query<HomeRow>('SELECT * FROM homes WHERE id = $1 FOR UPDATE', [id])).rows[0];
      if (!before) return null;
      const fulfilled = before.expect_until !== null && before.expect_dropped === 1;
      await c.query(
        `UPDATE homes SET online = 1, link_instance = $2, last_seen_at = $3, last_address = $4,
           offline_since = NULL, offline_notified = 0
           ${fulfilled ? ', expect_until = NULL, expect_what = NULL, expect_dropped = 0' : ''}
         WHERE id = $1`,
        [id, instance, now, address],
      );
      return before;
    });
  }

  async linkDown(id: string, instance: string, lastSeenAt: number): Promise<boolean> {
    const rows = await this.q(
      `UPDATE homes SET online = 0, offline_since = $3, last_seen_at = $3, ${DROPPED}
       WHERE id = $1 AND online = 1 AND link_instance = $2 RETURNING id`,
      [id, instance, lastSeenAt],
    );
    return rows.length === 1;
  }

  async instanceDown(instance: string, since: number): Promise<void> {
    await this.q(
      `UPDATE homes SET online = 0, offline_since = $2, last_seen_at = $2, ${DROPPED}
       WHERE online = 1 AND link_instance = $1`,
      [instance, since],
    );
  }

  async reapDeadInstances(staleBefore: number): Promise<number> {
    // `h.link_instance = d.inst` is checked again on the locked row: a home that relinked to a
    // live instance meanwhile is left alone.
    const rows = await this.q(
      `UPDATE homes h SET online = 0, offline_since = d.since, last_seen_at = d.since,
         expect_dropped = CASE WHEN h.expect_until IS NULL THEN h.expect_dropped ELSE 1 END
       FROM (
         SELECT x.id, x.link_instance AS inst, LEAST(COALESCE(i.alive_at, $1), $1) AS since
         FROM homes x LEFT JOIN instances i ON i.id = x.link_instance
         WHERE x.online = 1 AND (i.alive_at IS NULL OR i.alive_at < $1)
       ) d
       WHERE h.id = d.id AND h.online = 1 AND h.link_instance = d.inst
       RETURNING h.id`,
      [staleBefore],
    );
    return rows.length;
  }

  async heartbeat(instance: string, now: number): Promise<number | undefined> {
    const [row] = await this.q<{ previous: number | null }>(
      `WITH old AS (SELECT alive_at FROM instances WHERE id = $1)
       INSERT INTO instances (id, alive_at) VALUES ($1, $2)
       ON CONFLICT (id) DO UPDATE SET alive_at = EXCLUDED.alive_at
       RETURNING (SELECT alive_at FROM old) AS previous`,
      [instance, now],
    );
    return row?.previous ?? undefined;
  }

  async strayHomes(instance: string, ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await this.q<{ id: string }>(
      'SELECT id FROM homes WHERE id = ANY($1::text[]) AND online = 0 AND link_instance = $2',
      [ids, instance],
    );
    return rows.map((r) => r.id);
  }

  async expect(id: string, until: number, what: string): Promise<void> {
    await this.q('UPDATE homes SET expect_until = $2, expect_what = $3, expect_dropped = 0 WHERE id = $1', [
      id,
      until,
      what,
    ]);
  }

  async claimOffline(now: number, graceMs: number): Promise<HomeRow[]> {
    // Two instances running this at once: the second waits for the first's row lock, finds
    // offline_notified = 1 on re-checking, and returns nothing.
    return this.q<HomeRow>(
      `UPDATE homes SET offline_notified = 1
       WHERE online = 0 AND offline_notified = 0 AND expect_until IS NULL
         AND offline_since IS NOT NULL AND offline_since <= $1
       RETURNING *`,
      [now - graceMs],
    );
  }

  async claimExpectations(now: number): Promise<HomeRow[]> {
    const rows = await this.q<HomeRow & { old_until: number; old_what: string | null }>(
      `WITH due AS (
         SELECT id, expect_until, expect_what FROM homes
         WHERE expect_until IS NOT NULL AND expect_until <= $1 FOR UPDATE SKIP LOCKED
       )
       UPDATE homes h SET expect_until = NULL, expect_what = NULL, expect_dropped = 0,
         offline_notified = CASE WHEN h.online = 0 THEN 1 ELSE h.offline_notified END
       FROM due WHERE h.id = due.id
       RETURNING h.*, due.expect_until AS old_until, due.expect_what AS old_what`,
      [now],
    );
    return rows.map(({ old_until, old_what, ...h }) => ({
      ...h,
      expect_until: old_until,
      expect_what: old_what,
    }));
  }

  async setSubscriptions(homeId: string, subs: Omit<SubscriptionRow, 'home_id'>[]): Promise<void> {
    await this.tx(async (c) => {
      await c.query('DELETE FROM subscriptions WHERE home_id = $1', [homeId]);
      for (const s of subs)
        await c.query('INSERT INTO subscriptions (home_id, id, endpoint) VALUES ($1, $2, $3)', [
          homeId,
          s.id,
          s.endpoint,
        ]);
      await c.query('DELETE FROM sealed WHERE home_id = $1 AND NOT (sub_id = ANY($2::text[]))', [
        homeId,
        subs.map((s) => s.id),
      ]);
    });
  }

  async subscriptions(homeId: string): Promise<SubscriptionRow[]> {
    return this.q<SubscriptionRow>('SELECT * FROM subscriptions WHERE home_id = $1', [homeId]);
  }

  async subscription(homeId: string, id: string): Promise<SubscriptionRow | undefined> {
    return (
      await this.q<SubscriptionRow>('SELECT * FROM subscriptions WHERE home_id = $1 AND id = $2', [
        homeId,
        id,
      ])
    )[0];
  }

  async dropSubscription(homeId: string, id: string): Promise<void> {
    await this.tx(async (c) => {
      for (const table of ['subscriptions', 'push_queue', 'sealed'])
        await c.query(
          `DELETE FROM ${table} WHERE home_id = $1 AND ${table === 'subscriptions' ? 'id' : 'sub_id'} = $2`,
          [homeId, id],
        );
    });
  }

  async setChannels(homeId: string, list: unknown[]): Promise<void> {
    await this.q(
      'INSERT INTO channels (home_id, list) VALUES ($1, $2) ON CONFLICT (home_id) DO UPDATE SET list = EXCLUDED.list',
      [homeId, JSON.stringify(list)],
    );
  }

  async channels<T>(homeId: string): Promise<T[]> {
    const [row] = await this.q<{ list: string }>('SELECT list FROM channels WHERE home_id = $1', [homeId]);
    return row ? (JSON.parse(row.list) as T[]) : [];
  }

  async setSealed(homeId: string, subId: string, kind: string, bodies: readonly Uint8Array[]): Promise<void> {
    await this.tx(async (c) => {
      await c.query('DELETE FROM sealed WHERE home_id = $1 AND sub_id = $2 AND kind = $3', [
        homeId,
        subId,
        kind,
      ]);
      for (const [n, b] of bodies.entries())
        await c.query('INSERT INTO sealed (home_id, sub_id, kind, n, body) VALUES ($1, $2, $3, $4, $5)', [
          homeId,
          subId,
          kind,
          n,
          Buffer.from(b),
        ]);
    });
  }

  async sealedCount(homeId: string): Promise<number> {
    const [row] = await this.q<{ n: number }>('SELECT COUNT(*)::int AS n FROM sealed WHERE home_id = $1', [
      homeId,
    ]);
    return row!.n;
  }

  async takeSealed(homeId: string, subId: string, kind: string): Promise<Buffer | undefined> {
    const [row] = await this.q<{ body: Buffer }>(
      `DELETE FROM sealed WHERE (home_id, sub_id, kind, n) IN (
         SELECT home_id, sub_id, kind, n FROM sealed WHERE home_id = $1 AND sub_id = $2 AND kind = $3
         ORDER BY n LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING body`,
      [homeId, subId, kind],
    );
    return row?.body;
  }

  async enqueueFromAgent(
    homeId: string,
    agentId: number,
    row: Omit<NewQueueRow, 'home_id'>,
  ): Promise<boolean> {
    return this.tx(async (c) => {
      const fresh =
        (
          await c.query(
            'INSERT INTO delivered (home_id, agent_id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
            [homeId, agentId, row.created_at],
          )
        ).rowCount === 1;
      if (fresh) await insertQueue(c, { ...row, home_id: homeId }, agentId);
      return fresh;
    });
  }

  async enqueue(rows: readonly NewQueueRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.tx(async (c) => {
      for (const row of rows) await insertQueue(c, row, null);
    });
  }

  async claimDue(instance: string, now: number, opts: ClaimOptions): Promise<QueueRow[]> {
    // A row is free when nobody holds it, its lease ran out, or its holder stopped beating.
    // SKIP LOCKED lets instances claim side by side instead of queueing behind each other's locks.
    const rows = await this.q<QueueRow & { lease_by?: string; lease_until?: number }>(
      `WITH c AS (
         SELECT q.id FROM push_queue q
         WHERE q.next_at <= $2 AND (
           q.lease_by IS NULL OR q.lease_until < $2
           OR ($4::bigint IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM instances i WHERE i.id = q.lease_by AND i.alive_at >= $4)))
         ORDER BY q.id LIMIT $5
         FOR UPDATE SKIP LOCKED
       )
       UPDATE push_queue q SET lease_by = $1, lease_until = $2 + $3
       FROM c WHERE q.id = c.id
       RETURNING q.*`,
      [instance, now, opts.leaseMs, opts.staleBefore, opts.limit],
    );
    return rows.map(({ lease_by: _b, lease_until: _u, ...r }) => r).sort((a, b) => a.id - b.id);
  }

  async done(id: number): Promise<void> {
    await this.q('DELETE FROM push_queue WHERE id = $1', [id]);
  }

  async retryAt(id: number, at: number): Promise<void> {
    await this.q(
      'UPDATE push_queue SET attempts = attempts + 1, next_at = $2, lease_by = NULL, lease_until = NULL WHERE id = $1',
      [id, at],
    );
  }

  /** Rows this instance held before it restarted are free again. */
  async releaseLeases(instance: string): Promise<void> {
    await this.q('UPDATE push_queue SET lease_by = NULL, lease_until = NULL WHERE lease_by = $1', [instance]);
  }

  async queueLength(): Promise<number> {
    const [row] = await this.q<{ n: number }>('SELECT COUNT(*)::int AS n FROM push_queue');
    return row!.n;
  }

  async nextDueAt(): Promise<number | undefined> {
    const [row] = await this.q<{ n: number | null }>('SELECT MIN(next_at) AS n FROM push_queue');
    return row?.n ?? undefined;
  }

  async pruneDelivered(before: number): Promise<void> {
    await this.q('DELETE FROM delivered WHERE at < $1', [before]);
  }
}

function insertQueue(c: pg.PoolClient, row: NewQueueRow, agentId: number | null) {
  return c.query(
    `INSERT INTO push_queue (home_id, sub_id, channel, body, ttl, urgency, topic, agent_id, next_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      row.home_id,
      row.sub_id,
      row.channel,
      row.body,
      row.ttl,
      row.urgency,
      row.topic,
      agentId,
      row.next_at,
      row.created_at,
    ],
  );
}
