// A real upsd (Debian nut-server) with one dummy-ups driver per UPS, on a free port of 127.0.0.1,
// every file in a temp folder: ups.conf, upsd.conf, upsd.users, one <ups>.dev per UPS, the driver
// sockets. set() rewrites a .dev file and resolves once upsd reports the new values (dummy-ups
// re-reads a .dev file when its mtime second changes, checked about every 2 s).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, utimesSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { killAndWait } from './child.js';
import { launchOnFreePort } from './cli.js';
import { tempDir } from './temp.js';

export const NUT_DRIVER = process.env.NUT_DUMMY_UPS_PATH ?? '/lib/nut/dummy-ups';
// /sbin/upsd is Debian's wrapper that reads /etc/nut/nut.conf; the daemon itself is here.
export const NUT_UPSD = process.env.NUT_UPSD_PATH ?? '/lib/nut/upsd';
export const NUT_UPSC = process.env.NUT_UPSC_PATH ?? '/bin/upsc';

const run = promisify(execFile);

export type DevValues = Record<string, string | number>;

export interface DummyUpsSpec {
  name: string;
  description?: string;
  values: DevValues;
}

export interface UpsdOptions {
  upses: DummyUpsSpec[];
  /** upsd.users entries; each may LOGIN (upsmon secondary). */
  users?: { username: string; password: string }[];
}

export interface Upsd {
  host: string;
  port: number;
  /** host:port */
  address: string;
  /** Merges values into the UPS's .dev file; resolves once upsd serves them. */
  set(ups: string, values: DevValues): Promise<void>;
  /** Stops upsd (drivers keep running): clients see the connection refused. */
  stop(): Promise<void>;
  /** Starts upsd again on the same port. */
  start(): Promise<void>;
  stopDriver(ups: string): Promise<void>;
  startDriver(ups: string): Promise<void>;
  close(): Promise<void>;
}

const BASE: DevValues = { 'ups.mfr': 'Dummy', 'ups.model': 'Test UPS', 'ups.status': 'OL' };

export async function startUpsd(opts: UpsdOptions): Promise<Upsd> {
  const tmp = tempDir('lifeline-upsd-');
  const stateDir = path.join(tmp.dir, 'state');
  mkdirSync(stateDir, { mode: 0o700 });
  const env = {
    ...process.env,
    NUT_CONFPATH: tmp.dir,
    NUT_STATEPATH: stateDir,
    NUT_ALTPIDPATH: stateDir,
  };
  const values = new Map<string, DevValues>();
  let mtime = Math.floor(Date.now() / 1000);
  const devFile = (ups: string) => path.join(tmp.dir, `${ups}.dev`);
  const writeDev = (ups: string) => {
    const v = values.get(ups)!;
    // ups.status last: dummy-ups hands upsd one value at a time, in file order, and a client that
    // sees the new status should see the runtime and charge that go with it.
    const text = Object.entries(v)
      .sort(([a], [b]) => Number(a === 'ups.status') - Number(b === 'ups.status'))
      .map(([k, val]) => `${k}: ${quote(String(val))}\n`)
      .join('');
    const file = devFile(ups);
    writeFileSync(`${file}.tmp`, text);
    // dummy-ups compares whole seconds: a fresh second per write, or two quick writes look like one.
    mtime = Math.max(mtime + 1, Math.floor(Date.now() / 1000));
    utimesSync(`${file}.tmp`, mtime, mtime);
    renameSync(`${file}.tmp`, file);
  };

  for (const u of opts.upses) {
    values.set(u.name, { ...BASE, ...u.values });
    writeDev(u.name);
  }
  writeFileSync(
    path.join(tmp.dir, 'ups.conf'),
    opts.upses
      .map(
        (u) =>
          `[${u.name}]\n  driver = dummy-ups\n  port = ${devFile(u.name)}\n  pollinterval = 1\n` +
          (u.description ? `  desc = ${quote(u.description)}\n` : ''),
      )
      .join('\n'),
  );
  writeFileSync(
    path.join(tmp.dir, 'upsd.users'),
    (opts.users ?? [])
      .map((u) => `[${u.username}]\n  password = ${quote(u.password)}\n  upsmon secondary\n`)
      .join('\n'),
    { mode: 0o600 },
  );

  const drivers = new Map<string, ChildProcess>();
  let upsd: ChildProcess | undefined;
  let port = 0;
  let log = '';

  const startDriver = async (ups: string) => {
    const sock = path.join(stateDir, `dummy-ups-${ups}`);
    const c = spawn(NUT_DRIVER, ['-a', ups, '-u', 'root', '-F'], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    c.stderr!.on('data', (d) => (log += d));
    drivers.set(ups, c);
    await until(
      () => existsSync(sock),
      () => c.exitCode !== null,
      `dummy-ups ${ups}`,
      () => log,
    );
  };

  const launch = async () => {
    writeFileSync(path.join(tmp.dir, 'upsd.conf'), `LISTEN 127.0.0.1 ${port}\n`, { mode: 0o600 });
    const c = spawn(NUT_UPSD, ['-u', 'root', '-F'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    c.stderr!.on('data', (d) => (log += d));
    upsd = c;
    await until(
      () => accepts(port),
      () => c.exitCode !== null,
      'upsd',
      () => log,
    );
    for (const u of opts.upses)
      await untilServed(u.name, { 'ups.status': values.get(u.name)!['ups.status']! });
  };

  const upsc = async (ups: string): Promise<DevValues | undefined> => {
    try {
      const { stdout } = await run(NUT_UPSC, [`${ups}@127.0.0.1:${port}`], { env, timeout: 5_000 });
      const out: DevValues = {};
      for (const line of stdout.split('\n')) {
        const i = line.indexOf(': ');
        if (i > 0) out[line.slice(0, i)] = line.slice(i + 2);
      }
      return out;
    } catch {
      return undefined;
    }
  };

  const untilServed = (ups: string, want: DevValues) =>
    until(
      async () => {
        const got = await upsc(ups);
        return got !== undefined && Object.entries(want).every(([k, v]) => got[k] === String(v));
      },
      () => false,
      `upsd serving ${JSON.stringify(want)} for ${ups}`,
      () => log,
    );

  const kill = async (c: ChildProcess | undefined) => {
    if (c) await killAndWait(c);
  };

  const closeAll = async () => {
    await kill(upsd);
    upsd = undefined;
    for (const c of drivers.values()) await kill(c);
    drivers.clear();
  };

  try {
    for (const u of opts.upses) await startDriver(u.name);
    await launchOnFreePort(
      (p) => {
        port = p;
        return launch();
      },
      () => kill(upsd),
      4,
    );
  } catch (err) {
    await closeAll();
    tmp.remove();
    throw err;
  }

  return {
    host: '127.0.0.1',
    port,
    address: `127.0.0.1:${port}`,
    async set(ups, v) {
      const cur = values.get(ups);
      if (!cur) throw new Error(`no UPS ${ups} in this upsd`);
      values.set(ups, { ...cur, ...v });
      writeDev(ups);
      await untilServed(ups, v);
    },
    async stop() {
      await kill(upsd);
      upsd = undefined;
    },
    start: launch,
    async stopDriver(ups) {
      await kill(drivers.get(ups));
      drivers.delete(ups);
    },
    startDriver,
    async close() {
      await closeAll();
      tmp.remove();
    },
  };
}

/** A .dev / .conf value in parseconf's quoting. */
function quote(s: string): string {
  return `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

async function until(
  ok: () => boolean | Promise<boolean>,
  gone: () => boolean,
  what: string,
  log: () => string,
  ms = 15_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (gone()) throw new Error(`${what} exited: ${log().trim().slice(-2000)}`);
    if (Date.now() > deadline)
      throw new Error(`${what}: not ready after ${ms} ms\n${log().trim().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
