// The agent at rest with a big home: 200 containers on a Docker engine, 20 plugs, 10 hosts. The
// agent runs as its own process (`lifeline start`); its RSS and CPU are read from /proc after it
// has settled, so nothing of the benchmark's own is counted.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { round } from './stats.mjs';
import { loadTestModule } from './test-code.mjs';

const CONTAINERS = 200;
const PLUGS = 20;
const HOSTS = 10;
const SETTLE_MS = 20_000;
const WINDOW_MS = 30_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function rssKiB(pid) {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

function cpuTicks(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime
}

async function mapLimit(items, limit, fn) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (queue.length) await fn(queue.shift());
    }),
  );
}

export async function idleBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-idle-'));
  const { startDockerd, TEST_IMAGE } = await loadTestModule('harness', 'dockerd');
  const { startShellyGen1 } = await loadTestModule('simulators', 'shelly-gen1');
  const dockerd = await startDockerd();
  const plugs = [];
  let agent;
  try {
    const docker = new Docker({ socketPath: dockerd.socket });
    const names = Array.from({ length: CONTAINERS }, (_, i) => `idle-${String(i).padStart(3, '0')}`);
    await mapLimit(names, 8, (name) =>
      docker.createContainer({ name, Image: TEST_IMAGE, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } }),
    );
    for (let i = 0; i < PLUGS; i++) plugs.push(await startShellyGen1({ watts: 5 + i }));
    const config = {
      listen: { host: '127.0.0.1', port: 0 },
      containers: [{ id: 'nas', socket: dockerd.socket, watch: names.slice(0, 20) }],
      power: plugs.map((p, i) => ({
        id: `plug${i}`,
        name: `Plug ${i}`,
        driver: 'shelly-gen1',
        address: p.address,
      })),
      // Addresses that never answer: the presence probes run, and time out, as for sleeping machines.
      machines: Array.from({ length: HOSTS }, (_, i) => ({
        id: `pc${i}`,
        mac: `a8:a1:59:12:34:${String(10 + i).padStart(2, '0')}`,
        address: `10.255.255.${i + 1}`,
        probe: { tcp: 3389 },
      })),
    };
    const file = path.join(dir, 'lifeline.yaml');
    writeFileSync(file, JSON.stringify(config));
    agent = spawn(
      process.execPath,
      [new URL('../bin/lifeline.js', import.meta.url).pathname, 'start', '-c', file, '-p', '0'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
        env: { ...process.env, LIFELINE_LOG: 'silent' },
      },
    );
    await new Promise((resolve, reject) => {
      let out = '';
      agent.stdout.on('data', (d) => {
        out += d;
        if (out.includes('Lifeline is running')) resolve();
      });
      agent.once('exit', (code) => reject(new Error(`agent exited with ${code}`)));
    });
    await sleep(SETTLE_MS);
    const ticksPerSec = 100;
    const t0 = cpuTicks(agent.pid);
    const samples = [];
    for (let waited = 0; waited < WINDOW_MS; waited += 2000) {
      samples.push(rssKiB(agent.pid));
      await sleep(2000);
    }
    const cpuSeconds = (cpuTicks(agent.pid) - t0) / ticksPerSec;
    samples.sort((a, b) => a - b);
    return [
      {
        metric: `agent idle RSS (${CONTAINERS} containers, ${PLUGS} plugs, ${HOSTS} hosts)`,
        value: round(samples[samples.length >> 1] / 1024, 1),
        unit: 'MiB',
      },
      {
        metric: 'agent idle CPU (same home, polling plugs and probing hosts)',
        value: round((cpuSeconds / (WINDOW_MS / 1000)) * 100, 2),
        unit: '% of a core',
      },
    ];
  } finally {
    agent?.kill('SIGTERM');
    await sleep(500);
    for (const p of plugs) await p.close();
    await dockerd.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
