// Host vitals: what one sample costs the agent. The host's own /proc and /sys; 200 containers read
// from cgroup files (fake trees in both layouts, as the real files have the same size); and on a
// real dockerd, cgroup files against one-shot stats for the same containers, with the engine's own
// CPU (dockerd + containerd + shims) for each. `npm run bench host`, or `node bench/host.mjs` after a build.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openEngineApi } from '../dist/server/agent/containers/engine-api.js';
import { UsageMeter } from '../dist/server/agent/containers/usage-meter.js';
import { HostSampler } from '../dist/server/agent/host/sampler.js';
import { hostFiles } from '../dist/server/agent/host-files.js';
import { round } from './stats.mjs';
import { loadTestModule } from './test-code.mjs';

const MANY = 200;
const REAL = 20;
const TICKS = 50;
const INTERVAL_S = 10;

/** Agent CPU (user + system) per call, in ms, over `n` calls. */
async function cpuPerCall(n, fn) {
  await fn();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn();
  const c = process.cpuUsage(c0);
  return { cpuMs: (c.user + c.system) / 1000 / n, wallMs: (performance.now() - t0) / n };
}

const v1Stat = `${Array.from({ length: 36 }, (_, i) => `field_${i} ${i * 4096}`).join('\n')}\ntotal_inactive_file 4096\n`;
const v2Stat = `${Array.from({ length: 45 }, (_, i) => `field_${i} ${i * 4096}`).join('\n')}\ninactive_file 4096\n`;

function fakeTree(root, layout, ids) {
  const put = (p, c) => {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), c);
  };
  for (const id of ids) {
    if (layout === 'v1') {
      put(`/sys/fs/cgroup/memory/docker/${id}/memory.usage_in_bytes`, '104857600\n');
      put(`/sys/fs/cgroup/memory/docker/${id}/memory.stat`, v1Stat);
      put(`/sys/fs/cgroup/memory/docker/${id}/memory.limit_in_bytes`, '9223372036854771712\n');
      put(`/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`, '123456789\n');
      put(
        `/sys/fs/cgroup/blkio/docker/${id}/blkio.throttle.io_service_bytes_recursive`,
        '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n8:0 Total 12288\nTotal 12288\n',
      );
    } else {
      const dir = `/sys/fs/cgroup/system.slice/docker-${id}.scope`;
      put(`${dir}/memory.current`, '104857600\n');
      put(`${dir}/memory.stat`, v2Stat);
      put(`${dir}/memory.max`, 'max\n');
      put(`${dir}/cpu.stat`, 'usage_usec 123456\nuser_usec 100000\nsystem_usec 23456\n');
      put(`${dir}/io.stat`, '8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n');
    }
  }
}

const fakeApi = (version, driver) => ({
  info: async () => ({ cgroupVersion: version, cgroupDriver: driver, memTotalBytes: null }),
  stats: async () => null,
});

/** CPU ticks (user + system) of every process started from the test daemon's folder. */
function engineTicks(dir) {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir)) continue;
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {}
  }
  return ticks;
}

export async function hostBench() {
  const rows = [];
  const pctOfCore = (ms) => round((ms / (INTERVAL_S * 1000)) * 100, 3);

  const sampler = new HostSampler({
    files: hostFiles('/'),
    clock: { now: () => Date.now() },
    settings: { intervalSeconds: INTERVAL_S, windowMinutes: 10 },
  });
  const own = await cpuPerCall(TICKS, () => sampler.tick());
  rows.push({
    metric: 'host sample (/proc, /sys, statfs), agent CPU per tick',
    value: round(own.cpuMs, 3),
    unit: 'ms',
  });

  const tmp = path.join(os.tmpdir(), `lifeline-bench-host-${process.pid}`);
  try {
    const ids = Array.from({ length: MANY }, (_, i) => i.toString(16).padStart(64, '0'));
    for (const [layout, version, driver] of [
      ['v1', '1', 'cgroupfs'],
      ['v2', '2', 'systemd'],
    ]) {
      const root = path.join(tmp, layout);
      fakeTree(root, layout, ids);
      const api = fakeApi(version, driver);
      const meter = new UsageMeter({ files: hostFiles(root), api: () => api, now: Date.now });
      const running = ids.map((id, i) => ({ id, name: `c${i}` }));
      const r = await cpuPerCall(TICKS, () => meter.read(running));
      rows.push({
        metric: `${MANY} containers from cgroup ${layout} files, agent CPU per tick`,
        value: round(r.cpuMs, 2),
        unit: 'ms',
      });
      rows.push({
        metric: `  … as share of one core at ${INTERVAL_S} s`,
        value: pctOfCore(r.cpuMs),
        unit: '%',
      });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  const { startDockerd, TEST_IMAGE } = await loadTestModule('harness', 'dockerd');
  const d = await startDockerd();
  try {
    const running = [];
    for (let i = 0; i < REAL; i++)
      running.push({
        id: await d.cmd(`run -d --network none --name real-${i}`, TEST_IMAGE, 'sleep', '100000'),
        name: `real-${i}`,
      });
    const engine = openEngineApi({ id: 'bench', socket: d.socket });
    const api = () => engine;
    const dir = path.dirname(d.socket);
    const hz = 100;
    const measure = async (label, meter) => {
      const e0 = engineTicks(dir);
      const r = await cpuPerCall(10, async () => {
        const out = await meter.read(running);
        if (out.readings.length !== REAL) throw new Error(`${label}: ${out.readings.length} of ${REAL} read`);
      });
      const engineMs = ((engineTicks(dir) - e0) * 1000) / hz / 11;
      rows.push({
        metric: `${REAL} real containers by ${label}: agent CPU per tick`,
        value: round(r.cpuMs, 2),
        unit: 'ms',
      });
      rows.push({
        metric: `${REAL} real containers by ${label}: engine CPU per tick`,
        value: round(engineMs, 1),
        unit: 'ms',
      });
      rows.push({
        metric: `${REAL} real containers by ${label}: wall time per tick`,
        value: round(r.wallMs, 1),
        unit: 'ms',
      });
    };
    await measure('cgroup files', new UsageMeter({ files: hostFiles('/'), api, now: Date.now }));
    const blind = hostFiles(path.join(os.tmpdir(), 'lifeline-no-cgroups'));
    await measure('one-shot stats', new UsageMeter({ files: blind, api, now: Date.now, statsPerTick: REAL }));
    engine.close();
  } finally {
    await d.close();
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await hostBench())
    console.log(`${r.metric.padEnd(64)} ${String(r.value).padStart(8)} ${r.unit}`);
}
