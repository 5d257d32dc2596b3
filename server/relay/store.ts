// What the relay keeps: the homes it watches, their push subscriptions and fallback channels,
// a durable push queue, and which agent deliveries it already took (exactly once).
import type { Db } from '../store/db.js';
import { KvRepo } from '../store/kv-repo.js';

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
];

export interface HomeRow {
  id: string;
  name: string;
  time_zone: string;
  online: number;
  last_seen_at: number | null;
  last_address: string | null;
  offline_since: number | null;
  offline_notified: number;
  expect_until: number | null;
  expect_what: string | null;
  expect_dropped: number;
}

export interface SubscriptionRow {
  home_id: string;
  id: string;
  endpoint: string;
}

export interface QueueRow {
  id: number;
  home_id: string;
  sub_id: string | null;
  channel: string | null;
  body: Buffer;
  ttl: number;
  urgency: string;
  topic: string | null;
  agent_id: number | null;
  attempts: number;
  next_at: number;
  created_at: number;
}

export class RelayStore {
  /** Small durable facts (the VAPID keys); the same table shape as the agent's. */
  readonly kv: KvRepo;

  constructor(readonly db: Db) {
    this.kv = new KvRepo(db);
  }

  home(id: string): HomeRow | undefined {
    return this.db.prepare('SELECT * FROM homes WHERE id = ?').get(id) as HomeRow | undefined;
  }

  homes(): HomeRow[] {
    return this.db.prepare('SELECT * FROM homes').all() as HomeRow[];
  }

  /**
   * Homes the watch may have something to say about: expected back after a power-cycle, or offline
   * and not yet announced. A home that is simply online (nearly all of them) is not read each second.
   */
  homesToWatch(): HomeRow[] {
    return this.db
      .prepare(
        `SELECT * FROM homes WHERE expect_until IS NOT NULL
           OR (online = 0 AND offline_notified = 0 AND offline_since IS NOT NULL)`,
      )
      .all() as HomeRow[];
  }

  /** How many homes the relay knows, and how many are online (for the metrics). */
  homeCounts(): { homes: number; online: number } {
    const r = this.db
      .prepare('SELECT COUNT(*) AS homes, COALESCE(SUM(online), 0) AS online FROM homes')
      .get() as {
      homes: number;
      online: number;
    };
    return r;
  }

  upsertHome(id: string, name: string, timeZone: string): void {
    this.db
      .prepare(
        `INSERT INTO homes (id, name, time_zone) VALUES (?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone`,
      )
      .run(id, name, timeZone);
  }

  updateHome(id: string, fields: Partial<Omit<HomeRow, 'id'>>): void {
    const keys = Object.keys(fields);
    if (keys.length === 0) return;
    this.db
      .prepare(`UPDATE homes SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`)
      .run({ ...fields, id });
  }

  setSubscriptions(homeId: string, subs: Omit<SubscriptionRow, 'home_id'>[]): void {
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

  /** Replaces the sealed notices of one kind for one subscription (the agent wrote them). */
  setSealed(homeId: string, subId: string, kind: string, bodies: readonly Uint8Array[]): void {
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

  /** Sealed notices held for a home (for status and tests). */
  sealedCount(homeId: string): number {
    return (
      this.db.prepare('SELECT COUNT(*) AS n FROM sealed WHERE home_id = ?').get(homeId) as { n: number }
    ).n;
  }

  /** The next sealed notice of a kind for a subscription, used up as it is taken. */
  takeSealed(homeId: string, subId: string, kind: string): Buffer | undefined {
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

  subscriptions(homeId: string): SubscriptionRow[] {
    return this.db.prepare('SELECT * FROM subscriptions WHERE home_id = ?').all(homeId) as SubscriptionRow[];
  }

  subscription(homeId: string, id: string): SubscriptionRow | undefined {
    return this.db.prepare('SELECT * FROM subscriptions WHERE home_id = ? AND id = ?').get(homeId, id) as
      | SubscriptionRow
      | undefined;
  }

  /** A push service said the subscription is gone: forget it and everything queued for it. */
  dropSubscription(homeId: string, id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM subscriptions WHERE home_id = ? AND id = ?').run(homeId, id);
      this.db.prepare('DELETE FROM push_queue WHERE home_id = ? AND sub_id = ?').run(homeId, id);
      this.db.prepare('DELETE FROM sealed WHERE home_id = ? AND sub_id = ?').run(homeId, id);
    })();
  }

  setChannels(homeId: string, list: unknown[]): void {
    this.db
      .prepare(
        'INSERT INTO channels (home_id, list) VALUES (?, ?) ON CONFLICT(home_id) DO UPDATE SET list = excluded.list',
      )
      .run(homeId, JSON.stringify(list));
  }

  channels<T>(homeId: string): T[] {
    const row = this.db.prepare('SELECT list FROM channels WHERE home_id = ?').get(homeId) as
      | { list: string }
      | undefined;
    return row ? (JSON.parse(row.list) as T[]) : [];
  }

  /**
   * Stores an agent's delivery unless that outbox id was taken before; both in one transaction,
   * so a relay crash between them can neither lose nor duplicate it.
   */
  enqueueFromAgent(
    homeId: string,
    agentId: number,
    row: Omit<QueueRow, 'id' | 'home_id' | 'agent_id' | 'attempts'>,
  ): boolean {
    return this.db.transaction(() => {
      const fresh =
        this.db
          .prepare('INSERT OR IGNORE INTO delivered (home_id, agent_id, at) VALUES (?, ?, ?)')
          .run(homeId, agentId, row.created_at).changes === 1;
      if (fresh) this.insertQueue({ ...row, home_id: homeId, agent_id: agentId });
      return fresh;
    })();
  }

  enqueue(row: Omit<QueueRow, 'id' | 'agent_id' | 'attempts'>): void {
    this.insertQueue({ ...row, agent_id: null });
  }

  private insertQueue(row: Omit<QueueRow, 'id' | 'attempts'>): void {
    this.db
      .prepare(
        `INSERT INTO push_queue (home_id, sub_id, channel, body, ttl, urgency, topic, agent_id, next_at, created_at)
         VALUES (@home_id, @sub_id, @channel, @body, @ttl, @urgency, @topic, @agent_id, @next_at, @created_at)`,
      )
      .run(row);
  }

  due(now: number, limit = 50): QueueRow[] {
    return this.db
      .prepare('SELECT * FROM push_queue WHERE next_at <= ? ORDER BY id LIMIT ?')
      .all(now, limit) as QueueRow[];
  }

  queueLength(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM push_queue').get() as { n: number }).n;
  }

  nextDueAt(): number | undefined {
    const row = this.db.prepare('SELECT MIN(next_at) AS n FROM push_queue').get() as { n: number | null };
    return row.n ?? undefined;
  }

  done(id: number): void {
    this.db.prepare('DELETE FROM push_queue WHERE id = ?').run(id);
  }

  retryAt(id: number, at: number): void {
    this.db.prepare('UPDATE push_queue SET attempts = attempts + 1, next_at = ? WHERE id = ?').run(at, id);
  }

  pruneDelivered(before: number): void {
    this.db.prepare('DELETE FROM delivered WHERE at < ?').run(before);
  }
}
