// One Lifeline per data folder: a second `lifeline start` on it stops at once, naming the first, and
// touches nothing; a start that fails on a port in use stops cleanly. Neither may leave the owner a
// "Lifeline stopped without a clean stop" report on the next run.
import { existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runCli, startCli } from '../../harness/cli.js';
import { tempDir } from '../../harness/temp.js';

const tmp = tempDir();
const env = { LIFELINE_CTL_HOME: path.join(tmp.dir, 'ctl') };
const dataDir = path.join(tmp.dir, 'data');
const lockFile = path.join(dataDir, 'agent.pid');

/** Agents this file started: stopped at the end even when a test fails half-way. */
const running: { stop(): Promise<void> }[] = [];
afterAll(async () => {
  for (const a of running) await a.stop();
  tmp.remove();
});

async function start(): Promise<Awaited<ReturnType<typeof startCli>>> {
  const a = await startCli(['start', '-p', String(await freePort())], /No device paired yet.*\n/, {
    cwd: tmp.dir,
    env,
  });
  running.push(a);
  return a;
}

/** Runs a command that must end by itself; fails the test rather than hang (or leave it running). */
const mustEnd = (args: string[]) => runCli(args, { env, cwd: tmp.dir, timeoutMs: 20_000 });

function events(): string[] {
  const db = new Database(path.join(dataDir, 'lifeline.db'), { readonly: true });
  try {
    return (db.prepare('SELECT kind FROM events ORDER BY id').all() as { kind: string }[]).map((r) => r.kind);
  } finally {
    db.close();
  }
}

describe('one Lifeline per data folder', () => {
  it('refuses a second start on the same folder, and a failed start is a clean stop', async () => {
    const first = await start();
    const pid = first.child.pid!;
    expect(existsSync(lockFile)).toBe(true);

    const second = await mustEnd(['start', '-p', String(await freePort())]);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toBe(
      `lifeline: another Lifeline (pid ${pid}) is running on ${dataDir}; stop it first (if none is, remove ${lockFile})`,
    );
    await first.stop();
    expect(existsSync(lockFile)).toBe(false);

    // A port something else holds: the start fails after its capabilities began, and stops them cleanly.
    const squatter = net.createServer();
    await new Promise<void>((r) => squatter.listen(0, '0.0.0.0', r));
    const busy = (squatter.address() as net.AddressInfo).port;
    const failed = await mustEnd(['start', '-p', String(busy)]);
    squatter.close();
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim()).toBe(`lifeline: port ${busy} is already in use (another Lifeline running?)`);
    expect(existsSync(lockFile)).toBe(false);

    // A lock left by a process that died (kill -9, power cut) is taken over.
    writeFileSync(lockFile, '2147483646\n');
    const again = await start();
    await again.stop();

    const kinds = events();
    expect(kinds.filter((k) => k === 'agent.crashed' || k === 'agent.power-lost')).toEqual([]);
  });
});
