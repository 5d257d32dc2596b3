// Against a real dockerd, through a real agent: a busybox container grows its memory toward its
// limit; the containers capability reads its use from the cgroup files (no stats stream), the host
// capability warns before the limit and names it, the guarded "limit memory" sets a higher limit
// that inspect and the kernel then report, the alert clears, a lifeline is refused, and the guarded
// stop works. The same container read through one-shot stats, as for a remote engine.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgroupDirs, findLayout, layoutOrder } from '../../../../server/agent/containers/cgroup-readers.js';
import { openEngineApi } from '../../../../server/agent/containers/engine-api.js';
import { UsageMeter } from '../../../../server/agent/containers/usage-meter.js';
import { hostFiles } from '../../../../server/agent/host-files.js';
import { systemClock } from '../../../../server/clock.js';
import type { AgentClient } from '../../../../shared/client/agent-client.js';
import type { ContainerUsage } from '../../../../shared/protocol/containers.js';
import type { EventRecord } from '../../../../shared/protocol/frames.js';
import type { HostVitals } from '../../../../shared/protocol/host.js';
import { pairDevice, startTestAgent, type TestAgent, waitFor } from '../../../harness/agent.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../../harness/dockerd.js';
import { tempDir } from '../../../harness/temp.js';

const MiB = 1024 * 1024;
const files = hostFiles('/');
let d: TestDockerd;
let t: TestAgent;
let phone: AgentClient;
let growerId: string;

// 1 MB more every 0.15 s, up to about 50 MB of its 64 MB, then it holds (the shell stays, so does its memory).
const GROW =
  's=$(head -c 1048576 /dev/zero | tr "\\0" a); i=0; while [ $i -lt 46 ]; do eval "v$i=\\$s"; i=$((i+1)); sleep 0.15; done; while true; do sleep 3600; done';

const usage = (name: string) =>
  t.agent.state.get('containers.usage', `test/${name}`) as ContainerUsage | undefined;
const vitals = () => t.agent.state.get('host', 'self') as HostVitals | undefined;
const events = (kind: string) => t.agent.events.list({ limit: 500, kind });
const waitForEvent = (kind: string, timeoutMs = 60_000): Promise<EventRecord> =>
  waitFor(() => events(kind)[0], timeoutMs, kind);

beforeAll(async () => {
  d = await startDockerd();
  await d.cmd('run -d --init --network none --name tunnel', TEST_IMAGE, 'sleep', '3600');
  t = await startTestAgent({
    yaml: [
      'home: { name: Test home }',
      'listen: { host: 127.0.0.1, port: 0 }',
      'host:',
      '  intervalSeconds: 1',
      '  windowMinutes: 1',
      '  containerMemory: { alert: 70, clear: 50, forSeconds: 1, clearSeconds: 1 }',
      '  memoryPressure: false',
      '  memoryAvailable: false',
      '  swapUsed: false',
      '  diskUsed: false',
      '  cpuPressure: false',
      '  ioPressure: false',
      'containers:',
      '  - id: test',
      `    socket: ${d.socket}`,
      '    lifeline: [tunnel]',
      '    usage: { intervalSeconds: 1, windowMinutes: 1 }',
      '',
    ].join('\n'),
    hostBootAt: Date.now() - 24 * 3600_000,
  });
  phone = (await pairDevice(t, 'test phone')).client;
}, 120_000);

afterAll(async () => {
  phone?.close();
  await t?.close();
  await d?.close();
});

describe('containers eating memory, on a real engine', () => {
  it("finds the containers' cgroups where the engine's info says they are", async () => {
    const api = openEngineApi({ id: 'x', socket: d.socket } as never);
    try {
      const info = await api.info();
      expect(['1', '2']).toContain(info.cgroupVersion);
      expect(['cgroupfs', 'systemd']).toContain(info.cgroupDriver);
      const tunnel = (await api.list()).find((c) => c.name === 'tunnel')!;
      const order = layoutOrder(info.cgroupVersion, info.cgroupDriver);
      expect(findLayout(files, tunnel.id, order)).toBe(order[0]);
    } finally {
      api.close();
    }
    // The agent measures it from there, and says so.
    const u = await waitFor(() => usage('tunnel'), 20_000, 'tunnel measured');
    expect(u.via).toBe('cgroup');
    expect(u.fixes).toEqual(['restart']);
  });

  it('warns before a growing container reaches its limit, naming it; a higher limit set through the guard clears it', async () => {
    growerId = await d.cmd(
      'run -d --network none --name grower --memory 64m --memory-swap 64m',
      TEST_IMAGE,
      'sh',
      '-c',
      GROW,
    );
    const first = await waitFor(() => usage('grower'), 20_000, 'grower measured');
    expect(first).toMatchObject({ via: 'cgroup', memoryLimitBytes: 64 * MiB });
    const alert = await waitForEvent('host.container-memory');
    expect(alert).toMatchObject({ severity: 'warning', subject: 'test/grower' });
    expect(alert.message).toMatch(/^grower near its memory limit for \d+ s: \d+(\.\d)? MB of 64 MB/);
    // Read from its cgroup files, it grew, and the host's vitals carry the alert and the consumer.
    expect(usage('grower')!.memoryBytes - first.memoryBytes).toBeGreaterThan(10 * MiB);
    const v = vitals()!;
    expect(v.alerts.map((a) => a.subject)).toContain('test/grower');
    expect(v.top.map((c) => c.name)).toContain('grower');
    // Before the limit: it still runs, and the kernel has not killed it.
    const state = JSON.parse(await d.cmd('inspect', growerId))[0];
    expect(state.State.Running).toBe(true);
    expect(state.State.OOMKilled).toBe(false);

    // A limit below what it uses would kill it on the spot: refused, with what to choose instead.
    const low = await phone.command('containers.limit-memory', {
      target: 'test/grower',
      args: { bytes: 16 * MiB },
    });
    expect(low.status).toBe('error');
    if (low.status !== 'error') return;
    expect(low.error.code).toBe('bad-args');
    expect(low.error.message).toMatch(
      /^grower uses \d+(\.\d)? MB now: a limit of 16 MB would have it killed at once/,
    );

    const ask = await phone.command('containers.limit-memory', {
      target: 'test/grower',
      args: { bytes: 256 * MiB },
    });
    expect(ask.status).toBe('confirm');
    if (ask.status !== 'confirm') return;
    expect(ask.confirm.title).toBe('Limit grower to 256 MB of memory');
    const done = await phone.command('containers.limit-memory', {
      target: 'test/grower',
      args: { bytes: 256 * MiB },
      confirm: { challenge: ask.confirm.challenge },
    });
    expect(done).toMatchObject({
      status: 'ok',
      data: {
        container: 'test/grower',
        inspectBytes: 256 * MiB,
        inspectSwapBytes: 256 * MiB,
        cgroupBytes: 256 * MiB,
      },
    });
    const layout = findLayout(files, growerId, layoutOrder(null, null))!;
    const memoryDir = cgroupDirs(layout, growerId).memory;
    if (layout.startsWith('v1')) {
      expect(Number(readFileSync(`${memoryDir}/memory.limit_in_bytes`, 'utf8'))).toBe(256 * MiB);
      // MemorySwap equal to Memory: no swap on top, so the limit holds.
      expect(Number(readFileSync(`${memoryDir}/memory.memsw.limit_in_bytes`, 'utf8'))).toBe(256 * MiB);
    } else {
      expect(Number(readFileSync(`${memoryDir}/memory.max`, 'utf8'))).toBe(256 * MiB);
      expect(Number(readFileSync(`${memoryDir}/memory.swap.max`, 'utf8'))).toBe(0);
    }
    // The phones see the new limit at once, and the alert clears.
    expect(usage('grower')!.memoryLimitBytes).toBe(256 * MiB);
    const cleared = await waitForEvent('host.container-memory-cleared', 30_000);
    expect(cleared.message).toMatch(/^grower back to \d+(\.\d)? MB of its 256 MB memory limit$/);
  });

  it('reads the same container through one-shot stats when its cgroup is out of sight (a remote engine)', async () => {
    const elsewhere = tempDir('lifeline-nocgroup-');
    const api = openEngineApi({ id: 'x', socket: d.socket } as never);
    try {
      const running = [{ id: growerId, name: 'grower' }];
      const meter = new UsageMeter({ files: hostFiles(elsewhere.dir), api: () => api, now: systemClock.now });
      const viaStats = (await meter.read(running)).readings[0]!;
      const viaCgroup = (await new UsageMeter({ files, api: () => api, now: systemClock.now }).read(running))
        .readings[0]!;
      expect(viaStats.via).toBe('stats');
      expect(viaCgroup.via).toBe('cgroup');
      expect(meter.source).toBe('stats');
      expect(Math.abs(viaStats.memoryBytes - viaCgroup.memoryBytes)).toBeLessThan(4 * MiB);
      expect(viaStats.memoryLimitBytes).toBe(256 * MiB);
      expect(viaStats.cpuNs).toBeGreaterThan(0);
    } finally {
      api.close();
      elsewhere.remove();
    }
  });

  it('refuses to limit or stop a lifeline, and stops the runaway when asked', async () => {
    const limit = await phone.command('containers.limit-memory', {
      target: 'test/tunnel',
      args: { bytes: 256 * MiB },
    });
    expect(limit.status).toBe('error');
    if (limit.status === 'error') {
      expect(limit.error.code).toBe('refused');
      expect(limit.error.message).toContain('tunnel is a lifeline');
    }
    const stopTunnel = await phone.command('containers.stop', { target: 'test/tunnel' });
    expect(stopTunnel.status).toBe('error');
    const inspect = JSON.parse(await d.cmd('inspect', 'tunnel'))[0];
    expect(inspect.HostConfig.Memory).toBe(0);
    expect(inspect.State.Running).toBe(true);

    let r = await phone.command('containers.stop', { target: 'test/grower' });
    if (r.status === 'confirm')
      r = await phone.command('containers.stop', {
        target: 'test/grower',
        confirm: { challenge: r.confirm.challenge },
      });
    expect(r).toMatchObject({ status: 'ok', data: { container: 'test/grower' } });
    expect(JSON.parse(await d.cmd('inspect', 'grower'))[0].State.Running).toBe(false);
    // A stopped container is no longer measured.
    await waitFor(() => (usage('grower') ? undefined : true), 20_000, 'grower no longer measured');
  });
});
