// The agent's SQLite database: WAL with synchronous=FULL, so a write that returned is on disk
// and a kill -9 or power loss at any moment leaves a consistent database (post-mortem 2).
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/** Creates the data folder with mode 0700 and tightens it if it already exists. */
export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

export function openDatabase(
  dataDir: string,
  file = 'lifeline.db',
  migrations: readonly string[] = MIGRATIONS,
): Db {
  ensureDataDir(dataDir);
  const db = new Database(path.join(dataDir, file));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db, migrations);
  return db;
}

export function migrate(db: Db, MIGRATIONS: readonly string[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length)
    throw new Error(
      `the database is from a newer Lifeline (schema ${current}, this build knows ${MIGRATIONS.length})`,
    );
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
