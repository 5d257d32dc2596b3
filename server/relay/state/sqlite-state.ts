// The single relay's state in relay.db (SQLite): the homes it watches, their push subscriptions
// and fallback channels, sealed notices, a durable push queue, and which agent deliveries it
// already took (exactly once). One process owns the file, so a plain transaction decides.
import { chmodSync } from 'node:fs';
import path from 'node:path';
import { type Db, ensureDataDir, openDatabase } from '../../store/db.js';
import { KvRepo } from '../../store/kv-repo.js';
import type {
  ClaimOptions,
  HomeFacts,
  HomeRow,
  NewQueueRow,
  QueueRow,
  RelayState,
  SubscriptionRow,
} from './state.js';

export const RELAY_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE homes (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL DEFAULT 'Home',
    time_zone        TEXT NOT NULL DEFAULT 'UTC',
    online           INTEGER NOT NULL DEFAULT 0,
    last_seen_at     INTEGER,
    last_address     TEXT,
    offline_since    INTEGER,
    offline_notified INTEGER NOT NULL DEFAULT 0,
    expect_until     INTEGER,
    expect_what      TEXT,
    expect_dropped   INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE subscriptions (
    home_id  TEXT NOT NULL,
    id       TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    p256dh   TEXT NOT NULL,
    auth     TEXT NOT NULL,
    lang     TEXT NOT NULL,
    PRIMARY KEY (home_id, id)
  );
  CREATE TABLE channels (
    home_id TEXT PRIMARY KEY,
    list    TEXT NOT NULL
  );
  CREATE TABLE push_queue (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    home_id    TEXT NOT NULL,
    sub_id     TEXT,
    channel    TEXT,
    body       BLOB NOT NULL,
    ttl        INTEGER NOT NULL,
    urgency    TEXT NOT NULL,
    topic      TEXT,
    agent_id   INTEGER,
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX push_queue_next ON push_queue(next_at);
  CREATE TABLE delivered (
    home_id  TEXT NOT NULL,
    agent_id INTEGER NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (home_id, agent_id)
  );
  CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  // The relay keeps no subscription keys (sealed notices instead) and only the channels the owner
  // marked for it: older rows go, the agents send what is allowed again at their next link-up.
  `
  DROP TABLE subscriptions;
  CREATE TABLE subscriptions (
    home_id  TEXT NOT NULL,
    id       TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    PRIMARY KEY (home_id, id)
  );
  DELETE FROM channels;
  DELETE FROM push_queue WHERE channel IS NOT NULL;
  CREATE TABLE sealed (
    home_id TEXT NOT NULL,
    sub_id  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    n       INTEGER NOT NULL,
    body    BLOB NOT NULL,
    PRIMARY KEY (home_id, sub_id, kind, n)
  );
  `,
  // Which instance holds a home's link (the same column as in PostgreSQL; always 'local' here).
  `ALTER TABLE homes ADD COLUMN link_instance TEXT;`,
];

export class SqliteState implements RelayState {
  readonly kind = 'sqlite';
  private db!: Db;
  private kv!: KvRepo;

  constructor(private readonly dataDir: string) {}

  async open(): Promise<void> {
    ensureDataDir(this.dataDir);
    this.db = openDatabase(this.dataDir, 'relay.db', RELAY_MIGRATIONS);
    chmodSync(path.join(this.dataDir, 'relay.db'), 0o600);
    this.kv = new KvRepo(this.db);
  }

  async close(): Promise<void> {
    this.db.close();
  }

  async kvGet<T>(key: string): Promise<T | undefined> {
    return this.kv.get<T>(key);
  }

  async kvSet(key: string, value: unknown): Promise<void> {
    this.kv.set(key, value);
  }

  async kvSetIfAbsent<T>(key: string, value: T): Promise<T> {
    this.db.prepare('INSERT OR IGNORE INTO kv (key, value) VALUES (?, ?)').run(key, JSON.stringify(value));
    return this.kv.get<T>(key)!;
  }

  async home(id: string): Promise<HomeRow | undefined> {
    return this.db.prepare('SELECT * FROM homes WHERE id = ?').get(id) as HomeRow | undefined;
  }

  async homes(): Promise<HomeRow[]> {
    return this.db.prepare('SELECT * FROM homes').all() as HomeRow[];
  }

  async homeCounts(): Promise<{ homes: number; online: number }> {
    return this.db
      .prepare('SELECT COUNT(*) AS homes, COALESCE(SUM(online), 0) AS online FROM homes')
      .get() as { homes: number; online: number };
  }

  async upsertHome(id: string, name: string, timeZone: string): Promise<void> {
    this.upsert(id, name, timeZone);
  }

  private upsert(id: string, name: string, timeZone: string): void {
    this.db
      .prepare(
        `INSERT INTO homes (id, name, time_zone) VALUES (?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone`,
      )
      .run(id, name, timeZone);
  }

  private update(id: string, fields: Partial<Omit<HomeRow, 'id'>>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.db
      .prepare(`UPDATE homes SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`)
      .run({ ...fields, id });
  }

  async linkUp(
    id: string,
    instance: string,
    address: string,
    now: number,
    facts?: HomeFacts,
  ): Promise<HomeRow | null> {
    // One transaction, so one wait for the disk per link-up instead of one per write.
    return this.db.transaction(() => {
      if (facts) this.upsert(id, facts.name, facts.timeZone);
      const before = this.db.prepare('SELECT * FROM homes WHERE id = ?').get(id) as HomeRow | undefined;
      if (!before) return null;
      const fulfilled = before.expect_until !== null && before.expect_dropped === 1;
      this.update(id, {
        online: 1,
        link_instance: instance,
        last_seen_at: now,
        last_address: address,
        offline_since: null,
        offline_notified: 0,
        ...(fulfilled ? { expect_until: null, expect_what: null, expect_dropped: 0 } : {}),
      });
      return before;
    })();
  }

  async linkDown(id: string, instance: string, lastSeenAt: number): Promise<boolean> {
    return (
      this.db
        .prepare(
          `UPDATE homes SET online = 0, offline_since = ?, last_seen_at = ?,
             expect_dropped = CASE WHEN expect_until IS NULL THEN expect_dropped ELSE 1 END
           WHERE id = ? AND online = 1 AND COALESCE(link_instance, ?) = ?`,
        )
        .run(lastSeenAt, lastSeenAt, id, instance, instance).changes === 1
    );
  }

  async instanceDown(instance: string, since: number): Promise<void> {
    // One statement: a relay restarted after a crash, or stopping, writes its homes at once.
    this.db
      .prepare(
        `UPDATE homes SET online = 0, offline_since = ?, last_seen_at = ?,
           expect_dropped = CASE WHEN expect_until IS NULL THEN expect_dropped ELSE 1 END
         WHERE online = 1 AND COALESCE(link_instance, ?) = ?`,
      )
      .run(since, since, instance, instance);
  }

  /** One relay: no other instance can die. */
  async reapDeadInstances(): Promise<number> {
    return 0;
  }

  /** One relay: nobody else takes its homes for down. */
  async strayHomes(): Promise<string[]> {
    return [];
  }

  async heartbeat(): Promise<number | undefined> {
    return undefined;
  }

  async expect(id: string, until: number, what: string): Promise<void> {
    this.update(id, { expect_until: until, expect_what: what, expect_dropped: 0 });
  }

  async claimOffline(now: number, graceMs: number): Promise<HomeRow[]> {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare(
          `SELECT * FROM homes WHERE online = 0 AND offline_notified = 0 AND expect_until IS NULL
             AND offline_since IS NOT NULL AND offline_since <= ?`,
        )
        .all(now - graceMs) as HomeRow[];
      for (const r of rows) this.update(r.id, { offline_notified: 1 });
      return rows;
    })();
  }

  async claimExpectations(now: number): Promise<HomeRow[]> {
    return this.db.transaction(() => {
      const rows = this.db
        .prepare('SELECT * FROM homes WHERE expect_until IS NOT NULL AND expect_until <= ?')
        .all(now) as HomeRow[];
      for (const r of rows)
        this.update(r.id, {
          expect_until: null,
          expect_what: null,
          expect_dropped: 0,
          // After "did not come back" the owner knows it is offline; "back" follows when it returns.
          ...(r.online === 0 ? { offline_notified: 1 } : {}),
        });
      return rows;
    })();
  }

  async setSubscriptions(homeId: string, subs: Omit<SubscriptionRow, 'home_id'>[]): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM subscriptions WHERE home_id = ?').run(homeId);
      const insert = this.db.prepare('INSERT INTO subscriptions (home_id, id, endpoint) VALUES (?, ?, ?)');
      for (const s of subs) insert.run(homeId, s.id, s.endpoint);
      const ids = new Set(subs.map((s) => s.id));
      for (const { sub_id } of this.db
        .prepare('SELECT DISTINCT sub_id FROM sealed WHERE home_id = ?')
        .all(homeId) as { sub_id: string }[])
        if (!ids.has(sub_id))
          this.db.prepare('DELETE FROM sealed WHERE home_id = ? AND sub_id = ?').run(homeId, sub_id);
    })();
  }

  async setSealed(homeId: string, subId: string, kind: string, bodies: readonly Uint8Array[]): Promise<void> {
    this.db.transaction(() => {
      this.db
        .prepare('DELETE FROM sealed WHERE home_id = ? AND sub_id = ? AND kind = ?')
        .run(homeId, subId, kind);
      const insert = this.db.prepare(
        'INSERT INTO sealed (home_id, sub_id, kind, n, body) VALUES (?, ?, ?, ?, ?)',
      );
      for (const [n, b] of bodies.entries()) insert.run(homeId, subId, kind, n, Buffer.from(b));
    })();
  }

  async sealedCount(homeId: string): Promise<number> {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM sealed WHERE home_id = ?').get(homeId) as { n: number }
    ).n;
  }

  async takeSealed(homeId: string, subId: string, kind: string): Promise<Buffer | undefined> {
    return this.db.transaction(() => {
      const row = this.db
        .prepare(
          'SELECT n, body FROM sealed WHERE home_id = ? AND sub_id = ? AND kind = ? ORDER BY n LIMIT 1',
        )
        .get(homeId, subId, kind) as { n: number; body: Buffer } | undefined;
      if (row)
        this.db
          .prepare('DELETE FROM sealed WHERE home_id = ? AND sub_id = ? AND kind = ? AND n = ?')
          .run(homeId, subId, kind, row.n);
      return row?.body;
    })();
  }

  async subscriptions(homeId: string): Promise<SubscriptionRow[]> {
    return this.db.prepare('SELECT * FROM subscriptions WHERE home_id = ?').all(homeId) as SubscriptionRow[];
  }

  async subscription(homeId: string, id: string): Promise<SubscriptionRow | undefined> {
    return this.db.prepare('SELECT * FROM subscriptions WHERE home_id = ? AND id = ?').get(homeId, id) as
      | SubscriptionRow
      | undefined;
  }

  async dropSubscription(homeId: string, id: string): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM subscriptions WHERE home_id = ? AND id = ?').run(homeId, id);
      this.db.prepare('DELETE FROM push_queue WHERE home_id = ? AND sub_id = ?').run(homeId, id);
      this.db.prepare('DELETE FROM sealed WHERE home_id = ? AND sub_id = ?').run(homeId, id);
    })();
  }

  async setChannels(homeId: string, list: unknown[]): Promise<void> {
    this.db
      .prepare(
        'INSERT INTO channels (home_id, list) VALUES (?, ?) ON CONFLICT(home_id) DO UPDATE SET list = excluded.list',
      )
      .run(homeId, JSON.stringify(list));
  }

  async channels<T>(homeId: string): Promise<T[]> {
    const row = this.db.prepare('SELECT list FROM channels WHERE home_id = ?').get(homeId) as
      | { list: string }
      | undefined;
    return row ? (JSON.parse(row.list) as T[]) : [];
  }

  async enqueueFromAgent(
    homeId: string,
    agentId: number,
    row: Omit<NewQueueRow, 'home_id'>,
  ): Promise<boolean> {
    return this.db.transaction(() => {
      const fresh =
        this.db
          .prepare('INSERT OR IGNORE INTO delivered (home_id, agent_id, at) VALUES (?, ?, ?)')
          .run(homeId, agentId, row.created_at).changes === 1;
      if (fresh) this.insertQueue({ ...row, home_id: homeId, agent_id: agentId });
      return fresh;
    })();
  }

  async enqueue(rows: readonly NewQueueRow[]): Promise<void> {
    this.db.transaction(() => {
      for (const row of rows) this.insertQueue({ ...row, agent_id: null });
    })();
  }

  private insertQueue(row: Omit<QueueRow, 'id' | 'attempts'>): void {
    this.db
      .prepare(
        `INSERT INTO push_queue (home_id, sub_id, channel, body, ttl, urgency, topic, agent_id, next_at, created_at)
         VALUES (@home_id, @sub_id, @channel, @body, @ttl, @urgency, @topic, @agent_id, @next_at, @created_at)`,
      )
      .run(row);
  }

  /** One process delivers, one pass at a time: due rows need no lease. */
  async claimDue(_instance: string, now: number, opts: ClaimOptions): Promise<QueueRow[]> {
    return this.db
      .prepare('SELECT * FROM push_queue WHERE next_at <= ? ORDER BY id LIMIT ?')
      .all(now, opts.limit) as QueueRow[];
  }

  /** No leases in one process. */
  async releaseLeases(): Promise<void> {}

  async queueLength(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM push_queue').get() as { n: number }).n;
  }

  async nextDueAt(): Promise<number | undefined> {
    const row = this.db.prepare('SELECT MIN(next_at) AS n FROM push_queue').get() as { n: number | null };
    return row.n ?? undefined;
  }

  async done(id: number): Promise<void> {
    this.db.prepare('DELETE FROM push_queue WHERE id = ?').run(id);
  }

  async retryAt(id: number, at: number): Promise<void> {
    this.db.prepare('UPDATE push_queue SET attempts = attempts + 1, next_at = ? WHERE id = ?').run(at, id);
  }

  async pruneDelivered(before: number): Promise<void> {
    this.db.prepare('DELETE FROM delivered WHERE at < ?').run(before);
  }
}
