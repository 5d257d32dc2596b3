import type { Db } from './db.js';

export interface PairingCodeRow {
  code_hash: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  /** The device that asked for the code; null for `lifeline pair` at the agent's terminal. */
  created_by: string | null;
}

export class PairingRepo {
  constructor(private readonly db: Db) {}

  insert(codeHash: string, createdAt: number, expiresAt: number, createdBy: string | null): void {
    this.db
      .prepare(
        'INSERT INTO pairing_codes (code_hash, created_at, expires_at, created_by) VALUES (?, ?, ?, ?)',
      )
      .run(codeHash, createdAt, expiresAt, createdBy);
  }

  /** All codes still usable at `now`; the caller compares in constant time. */
  usable(now: number): PairingCodeRow[] {
    return this.db
      .prepare(
        'SELECT code_hash, created_at, expires_at, used_at, created_by FROM pairing_codes WHERE used_at IS NULL AND expires_at > ?',
      )
      .all(now) as PairingCodeRow[];
  }

  /** Marks a code used; false if another session used it first (single use under races). */
  consume(codeHash: string, at: number, deviceId: string): boolean {
    return (
      this.db
        .prepare(
          'UPDATE pairing_codes SET used_at = ?, used_by = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?',
        )
        .run(at, deviceId, codeHash, at).changes === 1
    );
  }

  /** Drops codes that expired a day ago or more. */
  prune(now: number): void {
    this.db.prepare('DELETE FROM pairing_codes WHERE expires_at < ?').run(now - 86_400_000);
  }
}
