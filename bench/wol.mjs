// Wake-on-LAN: how long a wake takes to report "up" for a machine that answers at once (command →
// result through the real agent, session and guard: three send rounds 100 ms apart plus the first
// probe), and what keeping many hosts' presence current costs. Loopback only, so it runs without
// root; on a real LAN add the machine's own answer time.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createAgent } from '../dist/server/agent/agent.js';
import { HostRecord } from '../dist/server/agent/machines/host-record.js';
import { systemWolNet } from '../dist/server/agent/machines/machines.js';
import { HostObserver } from '../dist/server/agent/machines/observe.js';
import { systemClock } from '../dist/server/clock.js';
import { loadConfig } from '../dist/server/config/load.js';
import { silentLogger } from '../dist/server/log.js';
import { KvRepo } from '../dist/server/store/kv-repo.js';
import { pairedClient } from './connect.mjs';
import { latencyRows, round as roundTo } from './stats.mjs';

async function listen() {
  const server = net.createServer((c) => c.end());
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

async function wakeToUp(dir) {
  const server = await listen();
  const file = path.join(dir, 'lifeline.yaml');
  writeFileSync(
    file,
    `listen: { host: 127.0.0.1, port: 0 }\nhosts:\n  - { id: pc, mac: "a8:a1:59:12:34:56", address: 127.0.0.1, broadcast: 127.255.255.255, probe: { tcp: ${server.address().port} } }\n`,
  );
  const agent = await createAgent({ loaded: loadConfig(file), log: silentLogger, port: 0 });
  const url = await agent.listen();
  try {
    const client = await pairedClient(agent, url);
    const toSent = [];
    const toUp = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      const r = await client.command('machines.wake', {
        target: 'pc',
        args: {},
        onProgress: (p) => p.stage === 'sent' && toSent.push(performance.now() - t0),
      });
      if (r.status !== 'ok' || r.data.stage !== 'up') throw new Error(`wake failed: ${JSON.stringify(r)}`);
      toUp.push(performance.now() - t0);
    }
    client.close();
    return [
      ...latencyRows('wake → "sent" (first of 3 rounds, 2 targets × 2 ports)', toSent),
      ...latencyRows('wake → "up", machine answering at once', toUp),
    ];
  } finally {
    await agent.close();
    server.close();
  }
}

async function presenceRound(dir, count, probe) {
  const server = await listen();
  const port = server.address().port;
  const db = (await import('../dist/server/store/db.js')).openDatabase(path.join(dir, `p-${count}-${probe}`));
  const kv = new KvRepo(db);
  const hosts = Array.from(
    { length: count },
    (_, i) =>
      new HostRecord(
        {
          id: `h${i}`,
          mac: 'a8:a1:59:12:34:56',
          address: '127.0.0.1',
          ports: [9, 7],
          // Half the TCP hosts answer on an open port, half with a reset: both mean "up".
          probe: probe === 'icmp' ? { icmp: true } : { tcp: i % 2 === 0 ? port : 1 },
          probeIntervalSeconds: 30,
          wakeTimeoutSeconds: 120,
        },
        kv,
      ),
  );
  const observer = new HostObserver(systemWolNet(), systemClock, 2000);
  const round = async () => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let next = 0;
    // Eight at a time, as the agent's presence loop runs them.
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < hosts.length) await observer.observe(hosts[next++]);
      }),
    );
    const cpu = process.cpuUsage(cpu0);
    return { wall: performance.now() - t0, cpu: (cpu.user + cpu.system) / 1000 };
  };
  // The first round also records each host in the database once; later rounds are the steady state.
  await round();
  const { wall, cpu } = await round();
  const up = hosts.filter((h) => h.presence.state === 'online').length;
  observer.stop();
  db.close();
  server.close();
  if (up !== count) throw new Error(`${count - up} of ${count} hosts did not answer`);
  const label = `presence round, ${count} hosts, ${probe === 'icmp' ? 'ping' : 'TCP'}`;
  return [
    { metric: `${label}: wall`, value: roundTo(wall, 1), unit: 'ms' },
    {
      metric: `${label}: agent CPU per host`,
      value: roundTo(cpu / count, 3),
      unit: 'ms',
    },
  ];
}

export async function wolBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-wol-'));
  try {
    return [
      ...(await wakeToUp(dir)),
      ...(await presenceRound(dir, 200, 'tcp')),
      ...(await presenceRound(dir, 50, 'icmp')),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
