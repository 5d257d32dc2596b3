// The judge: alerts only after a condition has lasted, clears only after it has really gone, never
// flaps between the two thresholds, and names who is eating the host and how fast it grows. Driven
// through the sampler over a fake /proc tree and a stepped clock, as the agent runs it.
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { HostConfigSchema, hostSettings } from '../../../../server/agent/host/config.js';
import { HostJudge, type HostTransition } from '../../../../server/agent/host/judge.js';
import { HostSampler } from '../../../../server/agent/host/sampler.js';
import type { ContainerUsage } from '../../../../shared/protocol/containers.js';
import { HostVitals } from '../../../../shared/protocol/host.js';
import { type FakeHost, fakeHost, meminfoFile, pressureFile } from '../../../harness/fake-host.js';
import { usageRig } from '../../../harness/usage-rig.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const CLICKHOUSE = 'c'.repeat(64);
const LANGFUSE = 'f'.repeat(64);
let host: FakeHost | null = null;
afterEach(() => {
  host?.close();
  host = null;
});

function containerFiles(h: FakeHost, id: string, memory: number, limit: number | null = null) {
  const dir = `/sys/fs/cgroup/system.slice/docker-${id}.scope`;
  h.write(`${dir}/memory.current`, `${Math.round(memory)}\n`);
  h.write(`${dir}/memory.stat`, 'inactive_file 0\n');
  h.write(`${dir}/memory.max`, limit === null ? 'max\n' : `${limit}\n`);
  h.write(`${dir}/cpu.stat`, 'usage_usec 0\n');
}

/** A host with clickhouse (growing) and langfuse, sampled every 10 s with a stepped clock. */
function scenario(config: v.InferInput<typeof HostConfigSchema> = {}) {
  const h = fakeHost({
    '/proc/meminfo': meminfoFile({ total: 16 * GiB, available: 4 * GiB }),
    '/proc/pressure/memory': pressureFile(0),
  });
  host = h;
  let now = 1_800_000_000_000;
  const clock = { now: () => now };
  const usage = usageRig({
    files: h.files,
    clock,
    running: () => [
      { id: CLICKHOUSE, name: 'clickhouse' },
      { id: LANGFUSE, name: 'langfuse' },
    ],
  });
  const settings = hostSettings(v.parse(HostConfigSchema, config));
  const sampler = new HostSampler({
    files: h.files,
    clock,
    settings,
    containers: usage.published,
    judge: new HostJudge(settings.rules),
  });
  const transitions: HostTransition[] = [];
  return {
    h,
    transitions,
    /** Advances 10 s, writes the given pressure, samples. */
    async tick(memoryPressure: number, clickhouse: number) {
      now += 10_000;
      h.write('/proc/pressure/memory', pressureFile(memoryPressure));
      containerFiles(h, CLICKHOUSE, clickhouse);
      containerFiles(h, LANGFUSE, 1.5 * GiB);
      await usage.tick();
      const s = await sampler.tick();
      transitions.push(...s.transitions);
      return s;
    },
  };
}

describe('host judge', () => {
  it('alerts after 2 min of memory pressure, naming the biggest consumer and its growth over 10 min', async () => {
    const s = scenario();
    // clickhouse grows by 1.2 GB every 10 min, to 9.8 GB at the 74th tick.
    const clickhouse = (i: number) => 9.8 * GiB - ((74 - i) * 1.2 * GiB) / 60;
    for (let i = 1; i <= 61; i++) await s.tick(0, clickhouse(i));
    // Pressure for 110 s: not yet.
    for (let i = 62; i <= 73; i++) await s.tick(12, clickhouse(i));
    expect(s.transitions).toEqual([]);
    const alerted = await s.tick(12, clickhouse(74));
    expect(s.transitions).toHaveLength(1);
    expect(s.transitions[0]).toMatchObject({
      kind: 'alert',
      rule: 'memoryPressure',
      subject: '',
      message: { key: 'host.memoryPressure.alert', params: { forMs: 120_000, percent: 12 } },
    });
    expect(s.transitions[0]!.text).toBe(
      'memory pressure high for 2 min: clickhouse uses 9.8 GB and grew 1.2 GB in 10 min; langfuse uses 1.5 GB',
    );
    expect(s.transitions[0]!.consumers[0]).toEqual({
      key: 'host.consumer.memoryGrowth',
      params: {
        name: 'clickhouse',
        memoryBytes: Math.round(9.8 * GiB),
        growthBytes: expect.any(Number),
        windowMs: 600_000,
      },
    });
    // The entity carries the alert and the consumers Home shows, with their fixes.
    expect(alerted.vitals.alerts.map((a) => a.rule)).toEqual(['memoryPressure']);
    expect(v.safeParse(HostVitals, alerted.vitals).issues).toBeUndefined();
    expect(alerted.vitals.top[0]).toMatchObject({
      name: 'clickhouse',
      memoryBytes: Math.round(9.8 * GiB),
      fixes: ['stop', 'restart', 'limit-memory'],
    });
    expect(alerted.vitals.top[0]!.suggestedLimitBytes).toBeGreaterThan(9.8 * GiB);
  });

  it('does not alert on pressure that comes and goes faster than the sustain time', async () => {
    const s = scenario();
    for (let i = 0; i < 60; i++) await s.tick(i % 6 === 5 ? 4 : 15, 5 * GiB);
    expect(s.transitions).toEqual([]);
  });

  it('never flaps between 5 and 10 %, and clears only after 1 min below 5 %', async () => {
    const s = scenario();
    for (let i = 0; i < 13; i++) await s.tick(20, 5 * GiB);
    expect(s.transitions.map((t) => t.kind)).toEqual(['alert']);
    // Wobbling between the thresholds for 10 minutes changes nothing.
    for (let i = 0; i < 60; i++) await s.tick([6, 9.9, 5, 7.5][i % 4]!, 5 * GiB);
    // 50 s below 5 %, then one reading at 6 %: the clearing starts over.
    for (let i = 0; i < 5; i++) await s.tick(3, 5 * GiB);
    await s.tick(6, 5 * GiB);
    for (let i = 0; i < 6; i++) await s.tick(2, 5 * GiB);
    expect(s.transitions.map((t) => t.kind)).toEqual(['alert']);
    const cleared = await s.tick(2, 5 * GiB);
    expect(s.transitions.map((t) => t.kind)).toEqual(['alert', 'clear']);
    expect(s.transitions[1]).toMatchObject({
      rule: 'memoryPressure',
      message: { key: 'host.memoryPressure.clear' },
      consumers: [],
    });
    // From the first reading at 20 % (t = 10 s) to the clear (t = 840 s).
    expect(s.transitions[1]!.text).toBe('memory pressure back to normal after 14 min');
    expect(cleared.vitals.alerts).toEqual([]);
  });

  it('takes thresholds and sustain times from the host config', async () => {
    const s = scenario({ memoryPressure: { alert: 30, clear: 20, forSeconds: 30 } });
    for (let i = 0; i < 20; i++) await s.tick(25, 5 * GiB);
    expect(s.transitions).toEqual([]);
    for (let i = 0; i < 4; i++) await s.tick(35, 5 * GiB);
    expect(s.transitions.map((t) => t.text)).toEqual([
      'memory pressure high for 30 s: clickhouse uses 5 GB; langfuse uses 1.5 GB',
    ]);
  });

  it('judges nothing for a rule set to false', async () => {
    const s = scenario({ memoryPressure: false });
    for (let i = 0; i < 30; i++) await s.tick(90, 5 * GiB);
    expect(s.transitions).toEqual([]);
  });
});

function vitals(over: Partial<HostVitals> = {}): HostVitals {
  return {
    at: 0,
    root: '/',
    cpu: null,
    load: null,
    memory: null,
    pressure: { cpu: null, memory: null, io: null },
    mounts: [],
    temperatures: [],
    boot: { bootId: null, bootTime: null },
    containers: { source: null, measured: 0 },
    top: [],
    alerts: [],
    windowMs: 600_000,
    unavailable: [],
    ...over,
  };
}

function usage(name: string, over: Partial<ContainerUsage> = {}): ContainerUsage {
  return {
    engine: 'local',
    containerId: name.padEnd(12, '0').slice(0, 12),
    name,
    memoryBytes: 100 * MiB,
    memoryLimitBytes: null,
    memoryGrowthBytes: 0,
    growthWindowMs: 600_000,
    cpuPercent: 0,
    readBytesPerSec: 0,
    writeBytesPerSec: 0,
    via: 'cgroup',
    at: 0,
    suggestedLimitBytes: 128 * MiB,
    fixes: [],
    ...over,
  };
}

const mount = (usedPercent: number, growthBytes = 0) => ({
  mountPoint: '/srv',
  fsType: 'ext4',
  source: '/dev/sdb1',
  sizeBytes: 100 * GiB,
  usedBytes: usedPercent * GiB,
  availableBytes: (100 - usedPercent) * GiB,
  usedPercent,
  growthBytes,
  readBytesPerSec: 0,
  writeBytesPerSec: 0,
  busyPercent: 0,
});

/** Runs one judge over readings 10 s apart; returns the transitions' texts. */
function run(judge: HostJudge, frames: [HostVitals, ContainerUsage[]][]): string[] {
  return frames.flatMap(([vv, cs], i) =>
    judge.evaluate(vv, cs, i * 10_000).map((t) => `${t.kind}: ${t.text}`),
  );
}

describe('host judge rules', () => {
  const rules = hostSettings({}).rules;

  it('alerts when a disk fills, with how fast, and says when it is unmounted', () => {
    const frames: [HostVitals, ContainerUsage[]][] = [
      ...Array.from({ length: 7 }, (): [HostVitals, ContainerUsage[]] => [
        vitals({ mounts: [mount(93, 2.5 * GiB)] }),
        [usage('backup', { writeBytesPerSec: 40 * MiB })],
      ]),
      [vitals({ mounts: [] }), []],
    ];
    expect(run(new HostJudge(rules), frames)).toEqual([
      'alert: disk /srv 93% full: 7 GB left of 100 GB, filled 2.5 GB in 10 min: backup reads 0 B/s and writes 40 MB/s',
      'clear: disk /srv is no longer mounted; its alert is cleared',
    ]);
  });

  it('alerts when available memory runs low, and when swap fills', () => {
    const low = vitals({
      memory: {
        totalBytes: 16 * GiB,
        availableBytes: 1.2 * GiB,
        availablePercent: 7.5,
        swapTotalBytes: 4 * GiB,
        swapUsedBytes: 3.6 * GiB,
        swapUsedPercent: 90,
      },
    });
    const texts = run(
      new HostJudge(rules),
      Array.from({ length: 13 }, () => [low, [usage('clickhouse', { memoryBytes: 9 * GiB })]]),
    );
    expect(texts).toEqual([
      'alert: memory nearly full for 2 min: 1.2 GB of 16 GB left: clickhouse uses 9 GB',
      'alert: swap 90% full for 2 min: clickhouse uses 9 GB',
    ]);
  });

  it('holds an alert while a reading is missing, worded with the last known numbers', () => {
    const memory = (availablePercent: number) => ({
      totalBytes: 16 * GiB,
      availableBytes: (16 * GiB * availablePercent) / 100,
      availablePercent,
      swapTotalBytes: 0,
      swapUsedBytes: 0,
      swapUsedPercent: null,
    });
    const judge = new HostJudge(rules);
    const frames: [HostVitals, ContainerUsage[]][] = [
      ...Array.from({ length: 13 }, (): [HostVitals, ContainerUsage[]] => [
        vitals({ memory: memory(5) }),
        [],
      ]),
      ...Array.from({ length: 10 }, (): [HostVitals, ContainerUsage[]] => [vitals({ memory: null }), []]),
    ];
    expect(run(judge, frames)).toEqual(['alert: memory nearly full for 2 min: 819 MB of 16 GB left']);
    expect(judge.active(200_000).map((a) => a.text)).toEqual([
      'memory nearly full for 3 min 20 s: 819 MB of 16 GB left',
    ]);
  });

  it('names the CPU and I/O hogs when those pressures are high', () => {
    const p = (avg10: number) => ({
      some: { avg10, avg60: 0, avg300: 0 },
      full: { avg10, avg60: 0, avg300: 0 },
    });
    const frame: [HostVitals, ContainerUsage[]] = [
      vitals({ pressure: { cpu: p(80), memory: p(0), io: p(40) } }),
      [
        usage('ffmpeg', { cpuPercent: 180 }),
        usage('clickhouse', { cpuPercent: 20, writeBytesPerSec: 80 * MiB }),
        usage('idle'),
      ],
    ];
    const texts = run(
      new HostJudge(rules),
      Array.from({ length: 31 }, () => frame),
    );
    expect(texts).toEqual([
      'alert: disk I/O stalls high for 2 min: clickhouse reads 0 B/s and writes 80 MB/s',
      'alert: CPU pressure high for 5 min: ffmpeg uses 180% CPU; clickhouse uses 20% CPU',
    ]);
  });

  it('alerts on a container near its limit, and says so once when it stops', () => {
    const near = usage('bots', {
      memoryBytes: 470 * MiB,
      memoryLimitBytes: 512 * MiB,
      memoryGrowthBytes: 200 * MiB,
    });
    const frames: [HostVitals, ContainerUsage[]][] = [
      ...Array.from({ length: 4 }, (): [HostVitals, ContainerUsage[]] => [vitals(), [near]]),
      [vitals(), []],
      [vitals(), []],
    ];
    expect(run(new HostJudge(rules), frames)).toEqual([
      'alert: bots near its memory limit for 30 s: 470 MB of 512 MB, grew 200 MB in 10 min',
      'clear: bots no longer runs; its memory alert is cleared',
    ]);
  });
});

describe('host config', () => {
  it('gives the defaults for an empty host key', () => {
    const s = hostSettings(v.parse(HostConfigSchema, {}));
    expect(s).toMatchObject({ root: '/', intervalSeconds: 10, windowMinutes: 10 });
    expect(s.rules.memoryPressure).toEqual({
      alert: 10,
      clear: 5,
      forSeconds: 120,
      clearSeconds: 60,
      line: 'some',
    });
  });

  it('refuses a clear threshold on the wrong side of the alert one, and unknown keys', () => {
    const r = v.safeParse(HostConfigSchema, { memoryPressure: { alert: 10, clear: 20 } });
    expect(r.success).toBe(false);
    expect(r.issues?.[0]?.message).toMatch(/"clear" must be at or below "alert"/);
    expect(v.safeParse(HostConfigSchema, { memoryAvailable: { alert: 10, clear: 5 } }).success).toBe(false);
    expect(v.safeParse(HostConfigSchema, { memoryPresure: {} }).success).toBe(false);
    expect(v.safeParse(HostConfigSchema, { root: 'host' }).success).toBe(false);
  });
});
