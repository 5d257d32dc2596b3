// Per-container usage from cgroup files in the layouts this machine does not run (it is a v1
// hybrid with the cgroupfs driver, tested live in docker.test.ts), and Docker's one-shot stats
// JSON for engines whose cgroups the agent cannot see.
import { afterEach, describe, expect, it } from 'vitest';
import { readCgroupUsage } from '../../../../server/agent/containers/cgroup-readers.js';
import type { EngineApi, EngineFacts } from '../../../../server/agent/containers/engine-api.js';
import { parseStats, UsageMeter } from '../../../../server/agent/containers/usage-meter.js';
import { type FakeHost, fakeHost } from '../../../harness/fake-host.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const MiB = 1024 * 1024;
let host: FakeHost | null = null;
afterEach(() => {
  host?.close();
  host = null;
});

const v2Files = (dir: string, memory: number, inactive: number, usec: number, max = 'max') => ({
  [`${dir}/memory.current`]: `${memory}\n`,
  [`${dir}/memory.stat`]: `anon ${memory - inactive}\nfile ${inactive}\ninactive_file ${inactive}\nactive_file 0\n`,
  [`${dir}/memory.max`]: `${max}\n`,
  [`${dir}/cpu.stat`]: `usage_usec ${usec}\nuser_usec ${usec / 2}\nsystem_usec ${usec / 2}\n`,
  [`${dir}/io.stat`]:
    '8:0 rbytes=1048576 wbytes=2097152 rios=10 wios=20 dbytes=0 dios=0\n259:0 rbytes=1024 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n',
});

/** The fake of our own interface: the engine's side is tested against a real dockerd elsewhere. */
function api(info: EngineFacts, ids: string[], stats: Record<string, unknown> = {}) {
  const asked: string[] = [];
  const a = {
    info: async () => info,
    stats: async (id: string) => {
      asked.push(id);
      if (!(id in stats)) throw new Error('no such container');
      return stats[id];
    },
  } as Partial<EngineApi> as EngineApi;
  const running = ids.map((id, i) => ({ id, name: `app${i}` }));
  return { api: a, asked, running };
}

describe('container usage from cgroup files', () => {
  it('reads cgroup v2 with the systemd driver: memory without inactive file cache, CPU, I/O, no limit', () => {
    host = fakeHost(
      v2Files(`/sys/fs/cgroup/system.slice/docker-${A}.scope`, 600 * MiB, 100 * MiB, 2_500_000),
    );
    expect(readCgroupUsage(host.files, 'v2-systemd', A)).toEqual({
      memoryBytes: 500 * MiB,
      memoryLimitBytes: null,
      cpuNs: 2_500_000_000,
      readBytes: 1048576 + 1024,
      writeBytes: 2097152,
    });
  });

  it('reads cgroup v2 with the cgroupfs driver, with a limit', () => {
    host = fakeHost(v2Files(`/sys/fs/cgroup/docker/${A}`, 300 * MiB, 0, 1000, String(512 * MiB)));
    expect(readCgroupUsage(host.files, 'v2-cgroupfs', A)).toMatchObject({
      memoryBytes: 300 * MiB,
      memoryLimitBytes: 512 * MiB,
    });
  });

  it('reads cgroup v1 with the systemd driver, where "no limit" is a huge number', () => {
    const scope = `system.slice/docker-${A}.scope`;
    host = fakeHost({
      [`/sys/fs/cgroup/memory/${scope}/memory.usage_in_bytes`]: `${700 * MiB}\n`,
      [`/sys/fs/cgroup/memory/${scope}/memory.stat`]: `cache 1\ntotal_inactive_file ${200 * MiB}\n`,
      [`/sys/fs/cgroup/memory/${scope}/memory.limit_in_bytes`]: '9223372036854771712\n',
      [`/sys/fs/cgroup/cpuacct/${scope}/cpuacct.usage`]: '123456789\n',
      [`/sys/fs/cgroup/blkio/${scope}/blkio.throttle.io_service_bytes_recursive`]:
        '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Total 12288\nTotal 12288\n',
    });
    expect(readCgroupUsage(host.files, 'v1-systemd', A)).toEqual({
      memoryBytes: 500 * MiB,
      memoryLimitBytes: null,
      cpuNs: 123456789,
      readBytes: 4096,
      writeBytes: 8192,
    });
  });

  it('answers null for a container whose files are gone or garbage, and not-available parts separately', () => {
    host = fakeHost({
      [`/sys/fs/cgroup/docker/${A}/memory.current`]: 'lots\n',
      [`/sys/fs/cgroup/docker/${B}/memory.current`]: '1000\n',
      [`/sys/fs/cgroup/docker/${B}/cpu.stat`]: 'nonsense\n',
    });
    expect(readCgroupUsage(host.files, 'v2-cgroupfs', A)).toBeNull();
    expect(readCgroupUsage(host.files, 'v2-cgroupfs', 'c'.repeat(64))).toBeNull();
    expect(readCgroupUsage(host.files, 'v2-cgroupfs', B)).toEqual({
      memoryBytes: 1000,
      memoryLimitBytes: null,
      cpuNs: null,
      readBytes: null,
      writeBytes: null,
    });
  });

  it("picks the engine's layout from docker info and the files it finds", async () => {
    host = fakeHost({
      ...v2Files(`/sys/fs/cgroup/system.slice/docker-${A}.scope`, 10 * MiB, 0, 1),
      ...v2Files(`/sys/fs/cgroup/docker/${B}`, 20 * MiB, 0, 1),
    });
    const {
      api: a,
      asked,
      running,
    } = api({ cgroupVersion: '2', cgroupDriver: 'systemd', memTotalBytes: null }, [A, B]);
    const meter = new UsageMeter({ files: host.files, api: () => a, now: () => 1 });
    const r = await meter.read(running);
    // B lives where a cgroupfs engine would put it: found too, without a stats request.
    expect(r.readings.map((x) => [x.name, x.memoryBytes, x.via])).toEqual([
      ['app0', 10 * MiB, 'cgroup'],
      ['app1', 20 * MiB, 'cgroup'],
    ]);
    expect(asked).toEqual([]);
    expect(meter.source).toBe('cgroup');
  });
});

describe('container usage from one-shot stats', () => {
  // Shapes as Docker sends them (API 1.41+), trimmed to what is read.
  const v1Stats = {
    memory_stats: { usage: 800 * MiB, limit: 1024 * MiB, stats: { total_inactive_file: 300 * MiB } },
    cpu_stats: { cpu_usage: { total_usage: 5e9 } },
    blkio_stats: {
      io_service_bytes_recursive: [
        { major: 8, minor: 0, op: 'Read', value: 100 },
        { major: 8, minor: 0, op: 'Write', value: 200 },
        { major: 8, minor: 0, op: 'Total', value: 300 },
      ],
    },
  };
  const v2Stats = {
    memory_stats: { usage: 400 * MiB, limit: 16 * 1024 * MiB, stats: { inactive_file: 100 * MiB } },
    cpu_stats: { cpu_usage: { total_usage: 7e9 } },
    blkio_stats: {
      io_service_bytes_recursive: [
        { major: 8, minor: 0, op: 'read', value: 10 },
        { major: 8, minor: 0, op: 'write', value: 20 },
      ],
    },
  };

  it('reads memory as docker stats shows it, on v1 and v2 engines', () => {
    expect(parseStats(v1Stats, 16 * 1024 * MiB)).toEqual({
      memoryBytes: 500 * MiB,
      memoryLimitBytes: 1024 * MiB,
      cpuNs: 5e9,
      readBytes: 100,
      writeBytes: 200,
    });
    // An unlimited container reports the host's memory as its limit.
    expect(parseStats(v2Stats, 16 * 1024 * MiB)).toMatchObject({
      memoryBytes: 300 * MiB,
      memoryLimitBytes: null,
    });
  });

  it('refuses what is not Docker stats', () => {
    expect(parseStats(null, null)).toBeNull();
    expect(parseStats('{"memory_stats":1}', null)).toBeNull();
    expect(parseStats({ memory_stats: { usage: -5 } }, null)).toBeNull();
    expect(
      parseStats({ memory_stats: { usage: 5 }, blkio_stats: { io_service_bytes_recursive: 'x' } }, null),
    ).toEqual({
      memoryBytes: 5,
      memoryLimitBytes: null,
      cpuNs: null,
      readBytes: null,
      writeBytes: null,
    });
  });

  it('asks a remote engine for a few containers per tick, in turn, skipping a broken one', async () => {
    host = fakeHost();
    const ids = Array.from({ length: 5 }, (_, i) => String(i).repeat(64));
    const stats = Object.fromEntries(ids.filter((_, i) => i !== 2).map((id) => [id, v2Stats]));
    const {
      api: a,
      asked,
      running,
    } = api({ cgroupVersion: '2', cgroupDriver: 'systemd', memTotalBytes: 16 * 1024 * MiB }, ids, stats);
    const meter = new UsageMeter({ files: host.files, api: () => a, now: () => 1, statsPerTick: 2 });
    const names: string[][] = [];
    for (let i = 0; i < 3; i++) names.push((await meter.read(running)).readings.map((r) => r.name));
    expect(asked).toEqual([ids[0], ids[1], ids[2], ids[3], ids[4], ids[0]]);
    expect(names).toEqual([['app0', 'app1'], ['app3'], ['app4', 'app0']]);
    expect(meter.source).toBe('stats');
  });

  it('goes on from the cgroup files when the engine does not answer, and asks nothing while detached', async () => {
    host = fakeHost(v2Files(`/sys/fs/cgroup/docker/${A}`, 30 * MiB, 0, 1));
    const dead = {
      info: async () => {
        throw new Error('connection refused at /var/run/docker.sock');
      },
      stats: async () => {
        throw new Error('connection refused at /var/run/docker.sock');
      },
    } as Partial<EngineApi> as EngineApi;
    const running = [
      { id: A, name: 'local' },
      { id: B, name: 'elsewhere' },
    ];
    const meter = new UsageMeter({ files: host.files, api: () => dead, now: () => 1 });
    const r = await meter.read(running);
    expect(r.readings.map((x) => [x.name, x.memoryBytes])).toEqual([['local', 30 * MiB]]);
    expect(meter.source).toBe('mixed');
    const detached = new UsageMeter({ files: host.files, api: () => null, now: () => 1 });
    expect((await detached.read(running)).readings.map((x) => x.name)).toEqual(['local']);
  });
});
