// The real `lifeline start`, stopped the two ways the agent must tell apart: after a clean stop
// (SIGTERM) the next start records no unclean shutdown; after a real SIGKILL it records one event,
// once — "Lifeline stopped without a clean stop around HH:MM …" when the host kept running, and
// "Home lost power or crashed around HH:MM …" when the host's boot id changed meanwhile (read under
// `host.root`, the one thing a test cannot do for real is reboot) — naming the containers that came
// back restarting.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness/cli.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../harness/dockerd.js';
import { tempDir } from '../harness/temp.js';
import { startAgentCli, stopAgent } from '../harness/unclean-stop.js';

const tmp = tempDir('lifeline-unclean-');
const root = path.join(tmp.dir, 'host');
const config = path.join(tmp.dir, 'lifeline.yaml');
const dbFile = path.join(tmp.dir, 'data', 'lifeline.db');
let d: TestDockerd;

const bootId = (id: string) => writeFileSync(path.join(root, 'proc/sys/kernel/random/boot_id'), `${id}\n`);
const BOOT_A = '6f2d3c1e-0000-4000-8000-00000000000a';
const BOOT_B = '6f2d3c1e-0000-4000-8000-00000000000b';

interface Row {
  kind: string;
  message: string;
  data: string | null;
}
function events(): Row[] {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare('SELECT kind, message, data FROM events ORDER BY id').all() as Row[];
  } finally {
    db.close();
  }
}
const unclean = () => events().filter((e) => e.kind === 'agent.power-lost' || e.kind === 'agent.crashed');

async function waitForEvents(n: number, timeoutMs = 60_000): Promise<Row[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const list = unclean();
    if (list.length >= n || Date.now() > until) return list;
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  d = await startDockerd();
  // Comes back restarting after every start: what the report must name.
  await d.cmd(
    'run -d --restart always --network none --name flaky',
    TEST_IMAGE,
    'sh',
    '-c',
    'sleep 1; exit 3',
  );
  mkdirSync(path.join(root, 'proc/sys/kernel/random'), { recursive: true });
  bootId(BOOT_A);
  const port = await freePort();
  writeFileSync(
    config,
    [
      `listen: { host: 127.0.0.1, port: ${port} }`,
      `data: ${path.join(tmp.dir, 'data')}`,
      `host: { root: ${root} }`,
      'containers:',
      '  - id: test',
      `    socket: ${d.socket}`,
      '',
    ].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await d?.close();
  tmp.remove();
});

describe('unclean shutdown', () => {
  it('records none after a clean stop and start', async () => {
    let agent = await startAgentCli(config);
    expect((await stopAgent(agent, 'clean')).code).toBe(0);
    agent = await startAgentCli(config);
    await new Promise((r) => setTimeout(r, 3000));
    expect((await stopAgent(agent, 'clean')).code).toBe(0);
    expect(unclean()).toEqual([]);
    expect(events().filter((e) => e.kind === 'agent.started')).toHaveLength(2);
  }, 60_000);

  it('records a crash after a real SIGKILL, once, naming what came back restarting', async () => {
    let agent = await startAgentCli(config);
    const killedAt = Date.now();
    expect((await stopAgent(agent, 'crash')).signal).toBe('SIGKILL');
    await new Promise((r) => setTimeout(r, 2000));
    agent = await startAgentCli(config);
    const [e] = await waitForEvents(1);
    expect(e!.kind).toBe('agent.crashed');
    const hhmm = (at: number) => new Date(at).toTimeString().slice(0, 5);
    expect([hhmm(killedAt), hhmm(killedAt - 60_000)]).toContain(/around (\d\d:\d\d)/.exec(e!.message)![1]);
    expect(e!.message).toMatch(
      /^Lifeline stopped without a clean stop around \d\d:\d\d \(last sign of life; the host kept running\), back after \d+ s; came back unhealthy or restarting: test\/flaky$/,
    );
    const data = JSON.parse(e!.data!);
    expect(data).toMatchObject({ hostRebooted: false, containers: [{ container: 'test/flaky' }] });
    expect(data.msg ?? data.message ?? null).toBeDefined();
    expect((await stopAgent(agent, 'clean')).code).toBe(0);
    // Said once: a clean start after it adds nothing.
    agent = await startAgentCli(config);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await stopAgent(agent, 'clean')).code).toBe(0);
    expect(unclean()).toHaveLength(1);
  }, 120_000);

  it('says home lost power when the host booted again in between', async () => {
    let agent = await startAgentCli(config);
    expect((await stopAgent(agent, 'crash')).signal).toBe('SIGKILL');
    bootId(BOOT_B);
    agent = await startAgentCli(config);
    const list = await waitForEvents(2);
    expect(list[1]!.kind).toBe('agent.power-lost');
    expect(list[1]!.message).toMatch(
      /^Home lost power or crashed around \d\d:\d\d \(last sign of life\), back after \d+ s; came back unhealthy or restarting: test\/flaky$/,
    );
    expect((await stopAgent(agent, 'clean')).code).toBe(0);
  }, 120_000);
});
