// The relay's tables in PostgreSQL. Every instance runs the migrations at start; an advisory lock
// held for the transaction makes the others wait, and `relay_migrations` says what is applied, so
// N instances starting at once apply each step exactly once.
import type { PoolClient } from 'pg';

/** pg_advisory_xact_lock key: "lifeline relay schema". */
const SCHEMA_LOCK = 0x11fe_0516;

export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE homes (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL DEFAULT 'Home',
    time_zone        TEXT NOT NULL DEFAULT 'UTC',
    online           INTEGER NOT NULL DEFAULT 0,
    link_instance    TEXT,
    last_seen_at     BIGINT,
    last_address     TEXT,
    offline_since    BIGINT,
    offline_notified INTEGER NOT NULL DEFAULT 0,
    expect_until     BIGINT,
    expect_what      TEXT,
    expect_dropped   INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX homes_link ON homes (link_instance) WHERE online = 1;
  CREATE TABLE instances (
    id       TEXT PRIMARY KEY,
    alive_at BIGINT NOT NULL
  );
  CREATE TABLE subscriptions (
    home_id  TEXT NOT NULL,
    id       TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    PRIMARY KEY (home_id, id)
  );
  CREATE TABLE channels (
    home_id TEXT PRIMARY KEY,
    list    TEXT NOT NULL
  );
  CREATE TABLE sealed (
    home_id TEXT NOT NULL,
    sub_id  TEXT NOT NULL,
    kind    TEXT NOT NULL,
    n       INTEGER NOT NULL,
    body    BYTEA NOT NULL,
    PRIMARY KEY (home_id, sub_id, kind, n)
  );
  CREATE TABLE push_queue (
    id          BIGSERIAL PRIMARY KEY,
    home_id     TEXT NOT NULL,
    sub_id      TEXT,
    channel     TEXT,
    body        BYTEA NOT NULL,
    ttl         INTEGER NOT NULL,
    urgency     TEXT NOT NULL,
    topic       TEXT,
    agent_id    BIGINT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    lease_by    TEXT,
    lease_until BIGINT
  );
  CREATE INDEX push_queue_next ON push_queue (next_at);
  CREATE TABLE delivered (
    home_id  TEXT NOT NULL,
    agent_id BIGINT NOT NULL,
    at       BIGINT NOT NULL,
    PRIMARY KEY (home_id, agent_id)
  );
  CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
];

export async function migratePg(client: PoolClient): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS relay_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    const { rows } = await client.query<{ v: number | null }>(
      'SELECT MAX(version) AS v FROM relay_migrations',
    );
    const current = rows[0]?.v ?? 0;
    if (current > PG_MIGRATIONS.length)
      throw new Error(
        `the database is from a newer Lifeline (schema ${current}, this build knows ${PG_MIGRATIONS.length})`,
      );
    for (let v = current; v < PG_MIGRATIONS.length; v++) {
      await client.query(PG_MIGRATIONS[v]!);
      await client.query('INSERT INTO relay_migrations (version) VALUES ($1)', [v + 1]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
