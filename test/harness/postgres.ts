// A private PostgreSQL server for the relay's shared state: its own cluster (initdb) in a temp
// folder, its own port on 127.0.0.1, trust authentication, run as the `postgres` user (the server
// refuses root). stop() kills it as a crash would (SIGKILL: clients see their connections drop, the
// next start recovers from the WAL); start() brings it back on the same port with the same data.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { killAndWait } from './child.js';
import { launchOnFreePort } from './cli.js';
import { tempDir } from './temp.js';

export const PG_BIN = process.env.LIFELINE_PG_BIN ?? '/usr/lib/postgresql/15/bin';
const USER = 'postgres';

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** Kills the server (SIGKILL), as a crash or an OOM kill would. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** uid/gid of the unprivileged user the server runs as (created when missing). */
function serverUser(): { uid: number; gid: number } {
  const look = () => spawnSync('id', ['-u', USER], { encoding: 'utf8' });
  if (look().status !== 0)
    spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', USER]);
  const uid = Number(look().stdout.trim());
  const gid = Number(spawnSync('id', ['-g', USER], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid)) throw new Error(`no ${USER} user to run PostgreSQL as`);
  return { uid, gid };
}

export async function startPostgres(): Promise<TestPostgres> {
  if (!existsSync(path.join(PG_BIN, 'postgres')))
    throw new Error(`PostgreSQL is not installed at ${PG_BIN} (apt-get install postgresql)`);
  const tmp = tempDir('lifeline-pg-');
  chmodSync(tmp.dir, 0o755);
  const data = path.join(tmp.dir, 'data');
  const root = process.getuid?.() === 0;
  const who = root ? serverUser() : undefined;
  if (who) chownSync(tmp.dir, who.uid, who.gid);
  const init = spawnSync(
    path.join(PG_BIN, 'initdb'),
    ['-D', data, '-U', USER, '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
    { encoding: 'utf8', ...(who ? { uid: who.uid, gid: who.gid } : {}) },
  );
  if (init.status !== 0) {
    tmp.remove();
    throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  }
  let child: ChildProcess | undefined;
  let port = 0;
  const launch = async () => {
    const c = spawn(
      path.join(PG_BIN, 'postgres'),
      [
        '-D',
        data,
        '-p',
        String(port),
        '-h',
        '127.0.0.1',
        '-k',
        tmp.dir,
        '-c',
        'fsync=off',
        '-c',
        'max_connections=200',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], ...(who ? { uid: who.uid, gid: who.gid } : {}) },
    );
    let err = '';
    c.stderr!.on('data', (d) => (err = (err + d).slice(-4000)));
    child = c;
    const deadline = Date.now() + 20_000;
    while (!(await ready(port))) {
      if (c.exitCode !== null) throw new Error(`postgres exited: ${err.trim()}`);
      if (Date.now() > deadline) throw new Error(`postgres did not start: ${err.trim()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c) return;
    await killAndWait(c);
    // Its backends outlive a killed postmaster for a moment; the next start waits on the port.
    await new Promise((r) => setTimeout(r, 200));
  };
  try {
    await launchOnFreePort(
      (p) => {
        port = p;
        return launch();
      },
      stop,
      3,
    );
  } catch (err) {
    tmp.remove();
    throw err;
  }
  return {
    url: `postgres://${USER}@127.0.0.1:${port}/postgres`,
    port,
    stop,
    async start() {
      const deadline = Date.now() + 20_000;
      for (;;) {
        try {
          return await launch();
        } catch (err) {
          // A killed server's shared memory or port may still be held for a moment.
          await stop();
          if (Date.now() > deadline) throw err;
          await new Promise((r) => setTimeout(r, 300));
        }
      }
    },
    async close() {
      await stop();
      tmp.remove();
    },
  };
}

/** The server accepts connections and has left recovery (pg_isready would say the same). */
function ready(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      const r = spawnSync(path.join(PG_BIN, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']);
      resolve(r.status === 0);
    });
    s.once('error', () => resolve(false));
  });
}
