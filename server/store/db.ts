// The agent's SQLite database: WAL with synchronous=FULL, so a write that returned is on disk
// and a kill -9 or power loss at any moment leaves a consistent database (post-mortem 2).
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeDirs } from './make-dirs.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/** Creates the data folder with mode 0700 and tightens it if it already exists. */
export function ensureDataDir(dir: string): void {
  try {
    makeDirs(dir, 0o700);
    chmodSync(dir, 0o700);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(
      `cannot use ${dir} as the data folder (${e.message}); set data: to a folder this user can create and write`,
    );
  }
}

export function openDatabase(
  dataDir: string,
  file = 'lifeline.db',
  migrations: readonly string[] = MIGRATIONS,
): Db {
  ensureDataDir(dataDir);
  const main = path.join(dataDir, file);
  // SQLite gives its -wal and -shm files the main file's mode: make that 0600 before it opens,
  // whatever the umask (the database holds device keys' fingerprints and the audit log).
  closeSync(openSync(main, 'a', 0o600));
  for (const f of [main, `${main}-wal`, `${main}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  const db = new Database(main);
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
