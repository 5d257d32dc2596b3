// Memory pressure before a lock-up, as the owner lives it: a real agent linked to a relay reads a
// host tree (a fake /proc, since pressure cannot be produced on demand here) where the containers
// of a real dockerd have their cgroup files; pressure rises while clickhouse grows, the phone gets
// "memory pressure high …: clickhouse uses … and grew …", Home's state names the top consumers with
// their fixes, and a push says when it clears. `ctl host` and `ctl top` show the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostVitals } from '../../../../shared/protocol/host.js';
import { waitFor } from '../../../harness/agent.js';
import { runCli } from '../../../harness/cli.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../../harness/dockerd.js';
import { type FakeHost, fakeHost, meminfoFile, pressureFile } from '../../../harness/fake-host.js';
import { type PushRig, startPushRig } from '../../../harness/push-rig.js';
import { tempDir } from '../../../harness/temp.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
let d: TestDockerd;
let host: FakeHost;
let rig: PushRig;
let grow: NodeJS.Timeout | undefined;
const ids: Record<string, string> = {};
const ctlHome = tempDir();
const env = { LIFELINE_CTL_HOME: ctlHome.dir };

function cgroup(name: string, memory: number) {
  const dir = `/sys/fs/cgroup/system.slice/docker-${ids[name]}.scope`;
  host.write(`${dir}/memory.current`, `${Math.round(memory)}\n`);
  host.write(`${dir}/memory.stat`, 'inactive_file 0\n');
  host.write(`${dir}/memory.max`, 'max\n');
  host.write(`${dir}/cpu.stat`, 'usage_usec 0\n');
}

const vitals = () => rig.phone.list('host')[0]?.data as HostVitals | undefined;

beforeAll(async () => {
  d = await startDockerd();
  for (const name of ['clickhouse', 'langfuse', 'tunnel'])
    ids[name] = await d.cmd(`run -d --init --network none --name ${name}`, TEST_IMAGE, 'sleep', '100000');
  host = fakeHost({
    '/proc/meminfo': meminfoFile({ total: 16 * GiB, available: 4 * GiB }),
    '/proc/pressure/memory': pressureFile(0),
  });
  cgroup('clickhouse', 8 * GiB);
  cgroup('langfuse', 1.5 * GiB);
  cgroup('tunnel', 20 * MiB);
  rig = await startPushRig(
    [
      'host:',
      `  root: ${host.root}`,
      '  intervalSeconds: 1',
      '  memoryPressure: { forSeconds: 3, clearSeconds: 2 }',
      'containers:',
      '  - id: test',
      `    socket: ${d.socket}`,
      '    lifeline: [tunnel]',
      '    usage: { intervalSeconds: 1 }',
      '',
    ].join('\n'),
  );
  const { link } = rig.agent.agent.pairing.link(rig.agent.url, rig.agent.agent.homeId, null);
  const paired = await runCli(['ctl', 'pair', link, '--name', 'ci'], { env });
  expect(paired.code, paired.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  clearInterval(grow);
  await rig?.close();
  await d?.close();
  host?.close();
  ctlHome.remove();
});

describe('memory pressure before a lock-up', () => {
  it('reads the host from the configured root, and the containers from their cgroup files', async () => {
    const v = await waitFor(
      () => {
        const v = vitals();
        return v && v.containers.measured === 3 ? v : undefined;
      },
      20_000,
      'vitals with three containers',
    );
    expect(v.root).toBe(host.root);
    expect(v.memory).toMatchObject({ totalBytes: 16 * GiB, availableBytes: 4 * GiB });
    expect(v.containers.source).toBe('cgroup');
    expect(v.alerts).toEqual([]);
  });

  it('pushes a warning naming clickhouse and its growth, and Home gets the top consumers with their fixes', async () => {
    let ch = 8 * GiB;
    grow = setInterval(() => {
      ch += 100 * MiB;
      cgroup('clickhouse', ch);
    }, 500);
    await new Promise((r) => setTimeout(r, 2500));
    host.write('/proc/pressure/memory', pressureFile(30, 12));
    const p = await rig.next('host.pressure');
    expect(p).toMatchObject({ severity: 'warning', title: 'Push home: Host under pressure', url: '#/home' });
    expect(p.body).toMatch(
      /^memory pressure high for \d+ s: clickhouse uses \d+(\.\d)? GB and grew \d+(\.\d)? (MB|GB) in \d+ s; langfuse uses 1\.5 GB/,
    );
    const v = vitals()!;
    expect(v.alerts.map((a) => a.rule)).toEqual(['memoryPressure']);
    expect(v.top[0]).toMatchObject({ name: 'clickhouse', fixes: ['stop', 'restart', 'limit-memory'] });
    expect(v.top.find((u) => u.name === 'tunnel')?.fixes).toEqual(['restart']);

    const ctl = await runCli(['ctl', 'host'], { env });
    expect(ctl.code, ctl.stderr).toBe(0);
    expect(ctl.stdout).toContain(`Host (read from ${host.root}`);
    expect(ctl.stdout).toMatch(/! memory pressure high for \d+ s: clickhouse uses/);
    expect(ctl.stdout).toMatch(/test\/clickhouse\s+\d+(\.\d)? GB\s+none\s+\+/);
    // In the reader's language, the consumers' names as data.
    const zh = await runCli(['ctl', 'host'], { env: { ...env, LC_ALL: 'zh_CN.UTF-8' } });
    expect(zh.stdout).toMatch(/! 内存压力持续偏高 \d+ 秒：clickhouse 占用/);
    const top = await runCli(['ctl', 'top'], { env });
    expect(top.stdout.split('\n')[1]).toMatch(/^test\/clickhouse\s/);
  });

  it('pushes once when it clears, and not again while it stays clear', async () => {
    clearInterval(grow);
    host.write('/proc/pressure/memory', pressureFile(1));
    const p = await rig.next('host.pressure-cleared');
    expect(p).toMatchObject({ severity: 'info', title: 'Push home: Host back to normal' });
    expect(p.body).toMatch(/^memory pressure back to normal after \d+ s$/);
    await waitFor(() => (vitals()?.alerts.length === 0 ? true : undefined), 10_000, 'no alerts');
    await new Promise((r) => setTimeout(r, 3000));
    const kinds = rig
      .received()
      .map((x) => x.kind)
      .filter((k) => k.startsWith('host.'));
    expect(kinds).toEqual(['host.pressure', 'host.pressure-cleared']);
  });
});
