#!/usr/bin/env node
// Backs up a Lifeline data folder (agent or relay) while the service keeps running:
//   node scripts/backup-data.mjs <data folder> <backup folder>
// Each SQLite database is copied with VACUUM INTO — one read transaction, so the copy is a consistent
// snapshot even while the agent writes (WAL) — and checked with PRAGMA integrity_check. Every other
// file (agent-key.json: the home's identity) is copied as is; -wal/-shm files are not needed.
// Writes <backup folder>/lifeline-<UTC time>/ (0700, files 0600) and prints its path. Exit 1 on failure.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

const SKIP = /(-wal|-shm|-journal|\.tmp)$/;

function fail(message) {
  process.stderr.write(`backup-data: ${message}\n`);
  process.exit(1);
}

const [source, target] = process.argv.slice(2).map((p) => p && path.resolve(p));
if (!source || !target) fail('usage: node scripts/backup-data.mjs <data folder> <backup folder>');

let owner;
try {
  owner = statSync(source);
} catch {
  fail(`${source}: no such folder`);
}
if (!owner.isDirectory()) fail(`${source} is not a folder`);
// Opening a database as another user (root) can leave -shm/-wal files the service cannot open.
if (typeof process.getuid === 'function' && process.getuid() !== owner.uid)
  fail(`run this as the owner of ${source} (uid ${owner.uid}), e.g. sudo -u lifeline node …`);

const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const dest = path.join(target, `lifeline-${stamp}`);
mkdirSync(dest, { recursive: true, mode: 0o700 });

function copyTree(from, to) {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const out = path.join(to, entry.name);
    if (src === path.resolve(target) || SKIP.test(entry.name)) continue;
    if (entry.isDirectory()) {
      mkdirSync(out, { mode: 0o700 });
      copyTree(src, out);
    } else if (entry.isFile() && entry.name.endsWith('.db')) {
      const db = new Database(src, { readonly: true, fileMustExist: true });
      try {
        db.pragma('busy_timeout = 10000');
        db.prepare('VACUUM INTO ?').run(out);
      } finally {
        db.close();
      }
      const copy = new Database(out, { readonly: true });
      const check = copy.pragma('integrity_check', { simple: true });
      copy.close();
      if (check !== 'ok') fail(`${out}: integrity check failed: ${check}`);
      chmodSync(out, 0o600);
      process.stdout.write(`${path.relative(source, src)}: database copied, integrity ok\n`);
    } else if (entry.isFile()) {
      copyFileSync(src, out);
      chmodSync(out, 0o600);
      process.stdout.write(`${path.relative(source, src)}: copied\n`);
    }
  }
}

try {
  copyTree(source, dest);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
process.stdout.write(`${dest}\n`);
