// Issue 15's figures. (1) The agent as a real `lifeline start` process watching 200 running
// containers on a private dockerd: its CPU and RSS with per-container usage off (the idle figure),
// measured from the cgroup files, and measured by one-shot stats (cgroups out of sight, as for a
// remote engine), each as a ratio to idle. (2) Time from a container crossing its memory threshold
// to the push on the phone's push service, and (3) from a UPS going on battery in upsd (dummy-ups)
// to the push — both through a real agent, relay and push service, sampling every second.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { latencyRows, round } from './stats.mjs';
import { cpuSeconds, rssKiB } from './system.mjs';
import { loadTestModule } from './test-code.mjs';

const MANY = Number(process.env.VITALS_CONTAINERS ?? 200);
const WINDOW_MS = Number(process.env.VITALS_WINDOW_MS ?? 40_000);
const INTERVAL_S = 5;
const ROUNDS = Number(process.env.VITALS_ROUNDS ?? 5);
const BIN = fileURLToPath(new URL('../bin/lifeline.js', import.meta.url));

async function mapLimit(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** `lifeline start` on `yaml`, left to settle, then measured over the window. */
async function measureAgent(dir, name, yaml) {
  const config = path.join(dir, `${name}.yaml`);
  writeFileSync(config, yaml);
  const child = spawn(process.execPath, [BIN, 'start', '-c', config], {
    env: { ...process.env, LIFELINE_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`not running after 60 s:\n${out}`)), 60_000);
    const on = (chunk) => {
      out += chunk;
      if (out.includes('Lifeline is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
  });
  try {
    // Attached, all 200 inspected and the first usage ticks done.
    await new Promise((r) => setTimeout(r, 15_000));
    const a = cpuSeconds(child.pid);
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    const b = cpuSeconds(child.pid);
    const seconds = (performance.now() - t0) / 1000;
    return { cpuPercent: ((b - a) / seconds) * 100, rssMb: rssKiB(child.pid) / 1024 };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function agentUnderLoad(rows) {
  const { startDockerd, TEST_IMAGE } = await loadTestModule('harness', 'dockerd');
  const d = await startDockerd();
  const dir = path.join(os.tmpdir(), `lifeline-bench-vitals-${process.pid}`);
  mkdirSync(path.join(dir, 'nothing'), { recursive: true });
  try {
    const names = Array.from({ length: MANY }, (_, i) => `c${String(i).padStart(3, '0')}`);
    await mapLimit(names, 6, (n) =>
      d.cmd(`run -d --network none --name ${n}`, TEST_IMAGE, 'sleep', '1000000'),
    );
    const base = (port, extra) =>
      [
        `listen: { host: 127.0.0.1, port: ${port} }`,
        `data: ${path.join(dir, `data-${port}`)}`,
        'containers:',
        '  - id: bench',
        `    socket: ${d.socket}`,
        ...extra,
        '',
      ].join('\n');
    const idle = await measureAgent(dir, 'idle', base(0, ['    usage: false']));
    const cgroup = await measureAgent(
      dir,
      'cgroup',
      `${base(0, [`    usage: { intervalSeconds: ${INTERVAL_S} }`])}host: { intervalSeconds: ${INTERVAL_S} }\n`,
    );
    const stats = await measureAgent(
      dir,
      'stats',
      `${base(0, [`    usage: { intervalSeconds: ${INTERVAL_S}, statsPerTick: 4 }`])}host: { root: ${path.join(dir, 'nothing')} }\n`,
    );
    const row = (label, m) => {
      rows.push({
        metric: `agent, ${MANY} running containers, ${label}: CPU`,
        value: round(m.cpuPercent, 2),
        unit: '% of a core',
      });
      rows.push({
        metric: `agent, ${MANY} running containers, ${label}: RSS`,
        value: round(m.rssMb, 1),
        unit: 'MB',
      });
    };
    row('usage off (idle)', idle);
    row(`usage from cgroup files + host vitals every ${INTERVAL_S} s`, cgroup);
    row(`usage by one-shot stats (4 per ${INTERVAL_S} s tick)`, stats);
    rows.push({
      metric: '  cgroup files: CPU / idle',
      value: round(cgroup.cpuPercent / Math.max(idle.cpuPercent, 0.01), 2),
      unit: '×',
    });
    rows.push({
      metric: '  cgroup files: RSS / idle',
      value: round(cgroup.rssMb / idle.rssMb, 2),
      unit: '×',
    });
    rows.push({
      metric: '  one-shot stats: CPU / idle',
      value: round(stats.cpuPercent / Math.max(idle.cpuPercent, 0.01), 2),
      unit: '×',
    });
    rows.push({
      metric: '  one-shot stats: RSS / idle',
      value: round(stats.rssMb / idle.rssMb, 2),
      unit: '×',
    });
  } finally {
    await d.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function thresholdToPush(rows) {
  const { startDockerd, TEST_IMAGE } = await loadTestModule('harness', 'dockerd');
  const { fakeHost, meminfoFile } = await loadTestModule('harness', 'fake-host');
  const { startPushRig } = await loadTestModule('harness', 'push-rig');
  const d = await startDockerd();
  const host = fakeHost({ '/proc/meminfo': meminfoFile({ total: 16 * 2 ** 30, available: 8 * 2 ** 30 }) });
  const id = await d.cmd('run -d --network none --name db', TEST_IMAGE, 'sleep', '1000000');
  const dirOf = `/sys/fs/cgroup/system.slice/docker-${id}.scope`;
  const mem = (bytes) => {
    host.write(`${dirOf}/memory.current`, `${bytes}\n`);
    host.write(`${dirOf}/memory.stat`, 'inactive_file 0\n');
    host.write(`${dirOf}/memory.max`, `${1024 * 2 ** 20}\n`);
    host.write(`${dirOf}/cpu.stat`, 'usage_usec 0\n');
  };
  mem(100 * 2 ** 20);
  const rig = await startPushRig(
    [
      'host:',
      `  root: ${host.root}`,
      '  intervalSeconds: 1',
      '  containerMemory: { alert: 90, clear: 80, forSeconds: 0, clearSeconds: 0 }',
      'containers:',
      '  - id: bench',
      `    socket: ${d.socket}`,
      '    usage: { intervalSeconds: 1 }',
      '',
    ].join('\n'),
  );
  const samples = [];
  try {
    await new Promise((r) => setTimeout(r, 3000));
    for (let i = 1; i <= ROUNDS; i++) {
      const t0 = Date.now();
      mem(1000 * 2 ** 20);
      await rig.next('host.container-memory', i, 30_000);
      samples.push(rig.push.received.filter((x) => x.body.length > 0).at(-1).at - t0);
      mem(100 * 2 ** 20);
      await rig.next('host.container-memory-cleared', i, 30_000);
      await new Promise((r) => setTimeout(r, 1500));
    }
  } finally {
    await rig.close();
    await d.close();
    host.close();
  }
  rows.push(...latencyRows('container over its memory threshold → push (sampling every 1 s)', samples));
}

async function nutToPush(rows) {
  const { startUpsd } = await loadTestModule('harness', 'upsd');
  const { startPushRig } = await loadTestModule('harness', 'push-rig');
  const online = { 'ups.status': 'OL', 'battery.charge': 100, 'battery.runtime': 1380 };
  const upsd = await startUpsd({ upses: [{ name: 'rack', values: online }] });
  const rig = await startPushRig(
    [
      'ups:',
      '  - id: rack',
      `    address: "${upsd.address}"`,
      '    name: rack',
      '    pollSeconds: 1',
      '',
    ].join('\n'),
  );
  const samples = [];
  try {
    await new Promise((r) => setTimeout(r, 2000));
    for (let i = 1; i <= ROUNDS; i++) {
      // set() resolves once upsd serves the new status: from there to the phone.
      await upsd.set('rack', { 'ups.status': 'OB DISCHRG' });
      const t0 = Date.now();
      await rig.next('ups.power-failed', i, 30_000);
      samples.push(rig.push.received.filter((x) => x.body.length > 0).at(-1).at - t0);
      await upsd.set('rack', online);
      await rig.next('ups.power-back', i, 30_000);
    }
  } finally {
    await rig.close();
    await upsd.close();
  }
  rows.push(...latencyRows('upsd reports on battery → push (polling every 1 s)', samples));
}

export async function vitalsBench() {
  const rows = [];
  await thresholdToPush(rows);
  await nutToPush(rows);
  await agentUnderLoad(rows);
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const r of await vitalsBench())
    console.log(`${r.metric.padEnd(72)} ${String(r.value).padStart(8)} ${r.unit}`);
}
