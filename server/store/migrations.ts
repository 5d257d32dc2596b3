// Append-only: never edit a shipped migration, add the next one.
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE devices (
    id          TEXT PRIMARY KEY,
    public_key  TEXT NOT NULL,
    name        TEXT NOT NULL,
    client      TEXT NOT NULL,
    paired_at   INTEGER NOT NULL,
    last_seen_at INTEGER,
    revoked_at  INTEGER
  );
  CREATE TABLE pairing_codes (
    code_hash   TEXT PRIMARY KEY,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    created_by  TEXT,
    used_at     INTEGER,
    used_by     TEXT
  );
  CREATE TABLE audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    device_id   TEXT,
    device_name TEXT,
    action      TEXT NOT NULL,
    target      TEXT,
    args        TEXT,
    decision    TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    code        TEXT,
    message     TEXT,
    finished_at INTEGER
  );
  CREATE INDEX audit_at ON audit(at);
  CREATE TABLE events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    severity    TEXT NOT NULL,
    subject     TEXT,
    message     TEXT NOT NULL,
    data        TEXT
  );
  CREATE INDEX events_at ON events(at);
  CREATE TABLE kv (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  `
  CREATE TABLE push_subscriptions (
    id         TEXT PRIMARY KEY,
    device_id  TEXT NOT NULL,
    endpoint   TEXT NOT NULL UNIQUE,
    p256dh     TEXT NOT NULL,
    auth       TEXT NOT NULL,
    lang       TEXT NOT NULL,
    kinds      TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at INTEGER NOT NULL,
    not_before INTEGER NOT NULL,
    target     TEXT NOT NULL,
    payload    TEXT NOT NULL,
    ttl        INTEGER NOT NULL,
    urgency    TEXT NOT NULL,
    topic      TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX outbox_due ON outbox(not_before);
  `,
];
