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
  // One word per capability (issue 12): earlier action and event names in the history become
  // the current ones, and so do the event groups push subscriptions chose and the stored keys.
  `
  UPDATE audit SET action =
    CASE action
      WHEN 'host.wake' THEN 'machines.wake'
      WHEN 'host.probe' THEN 'machines.probe'
      WHEN 'container.restart' THEN 'containers.restart'
      WHEN 'container.start' THEN 'containers.start'
      WHEN 'container.stop' THEN 'containers.stop'
      WHEN 'container.logs' THEN 'containers.logs'
      WHEN 'plug.on' THEN 'power.on'
      WHEN 'plug.off' THEN 'power.off'
      WHEN 'plug.toggle' THEN 'power.toggle'
      WHEN 'plug.cycle' THEN 'power.cycle'
      WHEN 'net.refresh' THEN 'network.refresh'
      WHEN 'ddns.update' THEN 'network.ddns-update'
      WHEN 'device.rename' THEN 'devices.rename'
      WHEN 'device.revoke' THEN 'devices.revoke'
      WHEN 'pair.create' THEN 'devices.pair'
      WHEN 'push.subscribe' THEN 'notify.subscribe'
      WHEN 'push.unsubscribe' THEN 'notify.unsubscribe'
      WHEN 'push.preferences' THEN 'notify.preferences'
      WHEN 'push.test' THEN 'notify.test'
      ELSE action
    END;
  UPDATE events SET kind =
    CASE kind
      WHEN 'host.woke' THEN 'machines.woke'
      WHEN 'host.wake-failed' THEN 'machines.wake-failed'
      WHEN 'host.mac-mismatch' THEN 'machines.mac-mismatch'
      WHEN 'container.died' THEN 'containers.died'
      WHEN 'container.boot-race' THEN 'containers.boot-race'
      WHEN 'container.recovery-attempt' THEN 'containers.recovery-attempt'
      WHEN 'container.recovered' THEN 'containers.recovered'
      WHEN 'container.restart-loop' THEN 'containers.restart-loop'
      WHEN 'container.recovery-gave-up' THEN 'containers.recovery-gave-up'
      WHEN 'engine.unreachable' THEN 'containers.engine-unreachable'
      WHEN 'engine.back' THEN 'containers.engine-back'
      WHEN 'plug.cycle-done' THEN 'power.cycle-done'
      WHEN 'plug.offline' THEN 'power.offline'
      WHEN 'plug.online' THEN 'power.online'
      WHEN 'plug.changed-externally' THEN 'power.changed-externally'
      WHEN 'plug.cycle-started' THEN 'power.cycle-started'
      WHEN 'plug.cycle-failed' THEN 'power.cycle-failed'
      WHEN 'plug.set' THEN 'power.set'
      WHEN 'net.ip-changed' THEN 'network.ip-changed'
      WHEN 'dns.stale' THEN 'network.dns-stale'
      WHEN 'dns.matched' THEN 'network.dns-matched'
      WHEN 'ddns.updated' THEN 'network.ddns-updated'
      WHEN 'ddns.failed' THEN 'network.ddns-failed'
      WHEN 'ddns.recovered' THEN 'network.ddns-recovered'
      WHEN 'device.paired' THEN 'devices.paired'
      WHEN 'device.revoked' THEN 'devices.revoked'
      WHEN 'push.test' THEN 'notify.test'
      ELSE kind
    END;
  UPDATE push_subscriptions SET kinds = REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(kinds, '"container"', '"containers"'), '"engine"', '"containers"'), '"host"', '"machines"'), '"plug"', '"power"'), '"net"', '"network"'), '"dns"', '"network"'), '"ddns"', '"network"'), '"device"', '"devices"'), '"push"', '"notify"') WHERE kinds IS NOT NULL;
  UPDATE kv SET key = 'containers.death.' || substr(key, 14) WHERE key LIKE 'docker.death.%';
  UPDATE kv SET key = 'machines.' || substr(key, 10) WHERE key LIKE 'wol.host.%';
  UPDATE kv SET key = 'network.' || substr(key, 5) WHERE key LIKE 'net.%';
  UPDATE kv SET key = 'power.cycle.' || substr(key, 13) WHERE key LIKE 'plugs.cycle.%';
  UPDATE kv SET key = 'status.' || substr(key, 8) WHERE key LIKE 'system.%';
  `,
  // Messages as catalogue keys + parameters beside the English text (issue 14), and what became of
  // requests that waited for a confirmation.
  `
  ALTER TABLE events ADD COLUMN msg TEXT;
  ALTER TABLE audit ADD COLUMN msg TEXT;
  ALTER TABLE audit ADD COLUMN resolution TEXT;
  `,
];
