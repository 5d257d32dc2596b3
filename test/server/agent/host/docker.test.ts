// Against a real dockerd: a busybox container grows its memory toward its limit; the agent reads
// its usage from the cgroup files (no stats stream), the judge warns before the limit and names
// it, a higher limit set through `docker update` is what inspect and the kernel then report, and
// the alert clears. The same container read through one-shot stats, as for a remote engine.
import { readFileSync } from 'node:fs';
import Docker from 'dockerode';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cgroupDirs, findLayout, layoutOrder } from '../../../../server/agent/host/cgroup-readers.js';
import { HostConfigSchema, hostSettings } from '../../../../server/agent/host/config.js';
import { ContainerMeter } from '../../../../server/agent/host/container-meter.js';
import { dockerodeHostApi, type HostDockerApi } from '../../../../server/agent/host/docker-access.js';
import { hostFiles } from '../../../../server/agent/host/host-files.js';
import { HostJudge, type HostTransition } from '../../../../server/agent/host/judge.js';
import { setMemoryLimit } from '../../../../server/agent/host/memory-limit.js';
import { HostSampler } from '../../../../server/agent/host/sampler.js';
import { systemClock } from '../../../../server/clock.js';
import { LifelineError } from '../../../../shared/protocol/errors.js';
import { HostVitals } from '../../../../shared/protocol/host.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../../harness/dockerd.js';
import { tempDir } from '../../../harness/temp.js';

const MiB = 1024 * 1024;
const files = hostFiles('/');
let d: TestDockerd;
let api: HostDockerApi;
let growerId: string;

// 1 MB more every 0.15 s, up to about 50 MB of its 64 MB, then it holds (the shell stays, so does its memory).
const GROW =
  's=$(head -c 1048576 /dev/zero | tr "\\0" a); i=0; while [ $i -lt 46 ]; do eval "v$i=\\$s"; i=$((i+1)); sleep 0.15; done; while true; do sleep 3600; done';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  d = await startDockerd();
  api = dockerodeHostApi(new Docker({ socketPath: d.socket }));
  await d.cmd('run -d --network none --name steady', TEST_IMAGE, 'sleep', '3600');
});

afterAll(async () => {
  await d?.close();
});

describe('host: containers on a real engine', () => {
  it("finds the containers' cgroups where the engine's info says they are", async () => {
    const info = await api.info();
    expect(['1', '2']).toContain(info.cgroupVersion);
    expect(['cgroupfs', 'systemd']).toContain(info.cgroupDriver);
    const [steady] = await api.running();
    expect(findLayout(files, steady!.id, layoutOrder(info.cgroupVersion, info.cgroupDriver))).toBe(
      layoutOrder(info.cgroupVersion, info.cgroupDriver)[0],
    );
  });

  it('warns before a growing container reaches its limit, naming it; a higher limit clears the warning', async () => {
    const settings = hostSettings(
      v.parse(HostConfigSchema, {
        windowMinutes: 1,
        containerMemory: { alert: 70, clear: 50, forSeconds: 1, clearSeconds: 1 },
        memoryPressure: false,
        memoryAvailable: false,
        swapUsed: false,
        diskUsed: false,
        cpuPressure: false,
        ioPressure: false,
      }),
    );
    const sampler = new HostSampler({
      files,
      clock: systemClock,
      settings: { intervalSeconds: 1, windowMinutes: 1 },
      meter: new ContainerMeter({ files, api, now: systemClock.now }),
      judge: new HostJudge(settings.rules),
    });
    const transitions: HostTransition[] = [];
    const seen: number[] = [];
    growerId = await d.cmd(
      'run -d --network none --name grower --memory 64m --memory-swap 64m',
      TEST_IMAGE,
      'sh',
      '-c',
      GROW,
    );
    const until = Date.now() + 90_000;
    while (transitions.length === 0 && Date.now() < until) {
      await sleep(400);
      const s = await sampler.tick();
      transitions.push(...s.transitions);
      expect(v.safeParse(HostVitals, s.vitals).issues).toBeUndefined();
      const g = s.containers.find((c) => c.name === 'grower');
      if (g) {
        seen.push(g.memoryBytes);
        expect(g.via).toBe('cgroup');
        expect(g.memoryLimitBytes).toBe(64 * MiB);
      }
    }
    // Read from its cgroup files, it grew.
    expect(seen.at(-1)! - seen[0]!).toBeGreaterThan(20 * MiB);
    expect(transitions).toHaveLength(1);
    const alert = transitions[0]!;
    expect(alert).toMatchObject({ kind: 'alert', rule: 'containerMemory', subject: growerId.slice(0, 12) });
    expect(alert.text).toMatch(
      /^grower near its memory limit for \d+ s: \d+(\.\d)? MB of 64 MB, grew \d+(\.\d)? MB in \d+ s$/,
    );
    // Before the limit: it still runs, and the kernel has not killed it.
    const state = await new Docker({ socketPath: d.socket }).getContainer(growerId).inspect();
    expect(state.State.Running).toBe(true);
    expect(state.State.OOMKilled).toBe(false);

    const r = await setMemoryLimit({ api, files }, 'grower', 256 * MiB);
    expect(r).toMatchObject({
      name: 'grower',
      inspectBytes: 256 * MiB,
      inspectSwapBytes: 256 * MiB,
      cgroupBytes: 256 * MiB,
      text: 'grower is now limited to 256 MB of memory',
    });
    const layout = findLayout(files, growerId, layoutOrder('1', 'cgroupfs'))!;
    const memoryDir = cgroupDirs(layout, growerId).memory;
    if (layout.startsWith('v1')) {
      expect(Number(readFileSync(`${memoryDir}/memory.limit_in_bytes`, 'utf8'))).toBe(256 * MiB);
      // MemorySwap equal to Memory: no swap on top, so the limit holds.
      expect(Number(readFileSync(`${memoryDir}/memory.memsw.limit_in_bytes`, 'utf8'))).toBe(256 * MiB);
    } else {
      expect(Number(readFileSync(`${memoryDir}/memory.max`, 'utf8'))).toBe(256 * MiB);
      expect(Number(readFileSync(`${memoryDir}/memory.swap.max`, 'utf8'))).toBe(0);
    }

    const clearUntil = Date.now() + 30_000;
    while (transitions.length === 1 && Date.now() < clearUntil) {
      await sleep(400);
      transitions.push(...(await sampler.tick()).transitions);
    }
    expect(transitions[1]).toMatchObject({ kind: 'clear', rule: 'containerMemory' });
    expect(transitions[1]!.text).toMatch(/^grower back to \d+(\.\d)? MB of its 256 MB memory limit$/);
  });

  it('reads the same container through one-shot stats when its cgroup is out of sight (a remote engine)', async () => {
    const elsewhere = tempDir('lifeline-nocgroup-');
    try {
      const meter = new ContainerMeter({
        files: hostFiles(elsewhere.dir),
        api,
        now: systemClock.now,
        statsPerTick: 5,
      });
      const viaStats = (await meter.read()).readings.find((r) => r.name === 'grower')!;
      const viaCgroup = (await new ContainerMeter({ files, api, now: systemClock.now }).read()).readings.find(
        (r) => r.name === 'grower',
      )!;
      expect(viaStats.via).toBe('stats');
      expect(meter.source).toBe('stats');
      expect(Math.abs(viaStats.memoryBytes - viaCgroup.memoryBytes)).toBeLessThan(4 * MiB);
      expect(viaStats.memoryLimitBytes).toBe(256 * MiB);
      expect(viaStats.cpuNs).toBeGreaterThan(0);
    } finally {
      elsewhere.remove();
    }
  });

  it('refuses a limit below what the container uses, and keeps the one it has', async () => {
    const err = await setMemoryLimit({ api, files }, 'grower', 16 * MiB).catch((e) => e);
    expect(err).toBeInstanceOf(LifelineError);
    expect(err.code).toBe('bad-args');
    expect(err.message).toMatch(
      /^grower uses \d+(\.\d)? MB now: a limit of 16 MB would have it killed at once/,
    );
    expect((await api.memoryLimits(growerId))!.memoryBytes).toBe(256 * MiB);
    const still = await new Docker({ socketPath: d.socket }).getContainer(growerId).inspect();
    expect(still.State.Running).toBe(true);
  });

  it("passes on Docker's reason when the engine refuses, and names a container that does not run", async () => {
    // Usage unknown to the agent (no cgroup in sight, stats unread) and below it: the kernel refuses.
    const blind = { api: { ...api, oneShotStats: async () => null }, files: hostFiles('/nonexistent') };
    const refused = await setMemoryLimit(blind, 'grower', 8 * MiB).catch((e) => e);
    expect(refused.code).toBe('failed');
    expect(refused.message).toMatch(/^Docker refused the limit for grower: .*(memory|usage)/);
    const missing = await setMemoryLimit({ api, files }, 'nobody', 64 * MiB).catch((e) => e);
    expect(missing.code).toBe('not-found');
    expect(missing.message).toBe('no running container nobody');
    const tiny = await setMemoryLimit({ api, files }, 'grower', 1024).catch((e) => e);
    expect(tiny.message).toBe('a memory limit must be at least 6 MB');
  });
});
