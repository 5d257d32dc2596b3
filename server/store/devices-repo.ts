import type { Db } from './db.js';

export interface DeviceRecord {
  id: string;
  publicKey: string;
  name: string;
  client: 'pwa' | 'ctl';
  pairedAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
}

interface Row {
  id: string;
  public_key: string;
  name: string;
  client: 'pwa' | 'ctl';
  paired_at: number;
  last_seen_at: number | null;
  revoked_at: number | null;
}

const fromRow = (r: Row): DeviceRecord => ({
  id: r.id,
  publicKey: r.public_key,
  name: r.name,
  client: r.client,
  pairedAt: r.paired_at,
  lastSeenAt: r.last_seen_at,
  revokedAt: r.revoked_at,
});

export class DevicesRepo {
  constructor(private readonly db: Db) {}

  get(id: string): DeviceRecord | undefined {
    const row = this.db.prepare('SELECT * FROM devices WHERE id = ?').get(id) as Row | undefined;
    return row && fromRow(row);
  }

  listActive(): DeviceRecord[] {
    return (
      this.db.prepare('SELECT * FROM devices WHERE revoked_at IS NULL ORDER BY paired_at').all() as Row[]
    ).map(fromRow);
  }

  /** Re-pairing a revoked key makes it a device again, under its new name. */
  insert(d: Omit<DeviceRecord, 'lastSeenAt' | 'revokedAt'>): void {
    this.db
      .prepare(
        `INSERT INTO devices (id, public_key, name, client, paired_at) VALUES (@id, @publicKey, @name, @client, @pairedAt)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, client = excluded.client, paired_at = excluded.paired_at, revoked_at = NULL`,
      )
      .run(d);
  }

  touch(id: string, at: number): void {
    this.db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?').run(at, id);
  }

  rename(id: string, name: string): boolean {
    return (
      this.db.prepare('UPDATE devices SET name = ? WHERE id = ? AND revoked_at IS NULL').run(name, id)
        .changes > 0
    );
  }

  revoke(id: string, at: number): boolean {
    return (
      this.db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id)
        .changes > 0
    );
  }
}
