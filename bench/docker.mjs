// Containers against a private dockerd (the test harness): how fast a `docker kill` reaches a
// connected client as a state update, and what listing 200 containers costs the agent.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { createAgent } from '../dist/server/agent/agent.js';
import { loadConfig } from '../dist/server/config/load.js';
import { silentLogger } from '../dist/server/log.js';
import { pairedClient } from './connect.mjs';
import { latencyRows, round } from './stats.mjs';
import { loadTestModule } from './test-code.mjs';

const KILLS = 40;
const MANY = 200;

function until(client, test, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    if (test()) return resolve();
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for a state update'));
    }, timeoutMs);
    const off = client.onState(() => {
      if (!test()) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

async function mapLimit(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

export async function dockerBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-'));
  const { startDockerd, TEST_IMAGE } = await loadTestModule('harness', 'dockerd');
  const d = await startDockerd();
  const docker = new Docker({ socketPath: d.socket });
  let agent;
  let client;
  try {
    const file = path.join(dir, 'lifeline.yaml');
    writeFileSync(
      file,
      `listen: { host: 127.0.0.1, port: 0 }\ndocker:\n  - id: bench\n    socket: ${d.socket}\n    watch: [victim]\n`,
    );
    agent = await createAgent({ loaded: loadConfig(file), log: silentLogger, port: 0 });
    const url = await agent.listen();
    client = await pairedClient(agent, url);
    const state = () => client.get('containers', 'bench/victim')?.state;

    // docker kill → the client sees the container exited.
    const victim = await docker.createContainer({
      name: 'victim',
      Image: TEST_IMAGE,
      Cmd: ['sleep', '100000'],
      HostConfig: { NetworkMode: 'none', Init: true },
    });
    const kills = [];
    for (let i = 0; i < KILLS; i++) {
      await victim.start();
      await until(client, () => state() === 'running');
      const t0 = performance.now();
      await victim.kill();
      await until(client, () => state() === 'exited');
      kills.push(performance.now() - t0);
    }

    // 200 containers: a fresh attach lists and inspects them all.
    const names = Array.from({ length: MANY }, (_, i) => `many-${String(i).padStart(3, '0')}`);
    await mapLimit(names, 8, (name) =>
      docker
        .createContainer({ name, Image: TEST_IMAGE, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } })
        .then(() => undefined),
    );
    client.close();
    await agent.close();
    agent = await createAgent({ loaded: loadConfig(file), log: silentLogger, port: 0 });
    const t0 = performance.now();
    await agent.startCapabilities();
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('200 containers never appeared')), 60_000);
      const check = () => {
        if (agent.state.list('containers').length < MANY + 1) return;
        clearTimeout(timer);
        off();
        resolve();
      };
      const off = agent.state.subscribe(check);
      check();
    });
    const attachMs = performance.now() - t0;
    const url2 = await agent.listen();
    const t1 = performance.now();
    client = await pairedClient(agent, url2);
    const snapshotMs = performance.now() - t1;
    const snapshotBytes = JSON.stringify(agent.state.snapshot()).length;
    return [
      ...latencyRows('docker kill → state update at the client', kills),
      {
        metric: `attach: list + inspect + publish ${MANY + 1} containers`,
        value: round(attachMs, 0),
        unit: 'ms',
      },
      {
        metric: `new session with ${MANY + 1} containers (handshake + snapshot)`,
        value: round(snapshotMs, 0),
        unit: 'ms',
      },
      { metric: 'snapshot size (JSON)', value: round(snapshotBytes / 1024, 1), unit: 'KiB' },
      {
        metric: 'RSS of agent + bench client (one process)',
        value: round(process.memoryUsage().rss / 1048576, 1),
        unit: 'MiB',
      },
    ];
  } finally {
    client?.close();
    await agent?.close();
    await d.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
