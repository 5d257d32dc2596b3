// Capacity of one relay instance for one home with many sessions, each party in its own process:
// `lifeline relay`, `lifeline agent`, and two load generators (bench/relay-load.mjs) on their own
// loopback addresses. Reports set-up rate per step, RSS of relay and agent per held session,
// and ping round trips (phone → relay → agent → back) while the sessions are held.
// CAPACITY_STEPS overrides the steps (e.g. CAPACITY_STEPS=250,500,1000). One home holds at most
// 1024 streams at the relay (MAX_STREAMS_PER_HOME in server/relay/relay.ts: its own devices'
// sessions, a bound on memory), so the default steps stop at 1000; past it sessions are refused.
import { fork, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateAgentIdentity } from '../dist/server/agent/identity.js';
import { latencyRows, round } from './stats.mjs';
import { cpuSeconds, freePort, rssKiB, waitHttp } from './system.mjs';

const root = new URL('..', import.meta.url).pathname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const STEPS = (process.env.CAPACITY_STEPS ?? '250,500,1000').split(',').map(Number);
const GENERATORS = 2;

const rssMiB = (pid) => rssKiB(pid) / 1024;

function lifeline(args, env = {}) {
  return spawn(process.execPath, [path.join(root, 'bin/lifeline.js'), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LIFELINE_LOG: 'silent', ...env },
  });
}

function generator(args) {
  const child = fork(path.join(root, 'bench/relay-load.mjs'), args, { stdio: 'inherit' });
  const waiting = [];
  child.on('message', (m) => {
    if (m.op === 'error') throw new Error(`load generator: ${m.message}`);
    waiting.shift()?.(m);
  });
  const next = () => new Promise((resolve) => waiting.push(resolve));
  const ready = next();
  return {
    child,
    ready,
    ask: (m) => {
      const reply = next();
      child.send(m);
      return reply;
    },
  };
}

export async function relayCapacityBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-capacity-'));
  const procs = [];
  const rows = [];
  try {
    const agentDir = path.join(dir, 'agent');
    mkdirSync(agentDir);
    const { identity } = await loadOrCreateAgentIdentity(path.join(agentDir, 'data'));
    const [relayPort, agentPort] = [await freePort(), await freePort()];
    const relayUrl = `http://127.0.0.1:${relayPort}`;
    const directUrl = `http://127.0.0.1:${agentPort}`;
    writeFileSync(
      path.join(dir, 'relay.yaml'),
      JSON.stringify({
        listen: { host: '127.0.0.1', port: relayPort },
        data: './relay-data',
        homes: [identity.id],
        limits: { connectsPerMinute: 10_000, sourceConnectsPerMinute: 100_000, sessionsPerHome: 10_000 },
      }),
    );
    const agentFile = path.join(agentDir, 'lifeline.yaml');
    writeFileSync(
      agentFile,
      JSON.stringify({ listen: { host: '127.0.0.1', port: agentPort }, relay: { url: relayUrl } }),
    );
    const relay = lifeline(['relay', '-c', path.join(dir, 'relay.yaml')]);
    procs.push(relay);
    await waitHttp(`${relayUrl}/healthz`);
    const agent = lifeline(['agent', '-c', agentFile]);
    procs.push(agent);
    await waitHttp(`${directUrl}/healthz`);
    await sleep(1500); // the agent's link to the relay
    const gens = [];
    for (let g = 0; g < GENERATORS; g++) {
      const pair = spawn(
        process.execPath,
        [path.join(root, 'bin/lifeline.js'), 'pair', '-c', agentFile, '--json'],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
          env: { ...process.env, LIFELINE_LOG: 'silent' },
        },
      );
      let out = '';
      pair.stdout.on('data', (d) => (out += d));
      await new Promise((r) => pair.on('close', r));
      const code = /#\/pair\/[^/]+\/([^/?#]+)/.exec(JSON.parse(out).link)[1];
      const gen = generator([relayUrl, identity.id, directUrl, code, `127.0.0.${10 + g}`]);
      procs.push(gen.child);
      await gen.ready;
      await gen.ask({ op: 'pair' });
      gens.push(gen);
    }
    const base = { relay: rssMiB(relay.pid), agent: rssMiB(agent.pid) };
    let held = 0;
    for (const step of STEPS) {
      const more = step - held;
      const cpu0 = { relay: cpuSeconds(relay.pid), agent: cpuSeconds(agent.pid) };
      const replies = await Promise.all(
        // 8 at a time per source: the relay seats at most 8 pending handshakes per address once busy.
        gens.map((g) => g.ask({ op: 'open', count: more / GENERATORS, wave: 8 })),
      );
      const ms = Math.max(...replies.map((r) => r.ms));
      const failed = replies.reduce((n, r) => n + r.failed, 0);
      held = replies.reduce((n, r) => n + r.held, 0);
      const cpu = {
        relay: cpuSeconds(relay.pid) - cpu0.relay,
        agent: cpuSeconds(agent.pid) - cpu0.agent,
      };
      await sleep(3000);
      const rss = { relay: rssMiB(relay.pid), agent: rssMiB(agent.pid) };
      rows.push({
        metric: `${held} sessions held (${failed} failed to open)`,
        value: held,
        unit: 'sessions',
      });
      rows.push({
        metric: `  set-up rate from ${step - more} to ${step}`,
        value: round((more / ms) * 1000, 0),
        unit: 'sessions/s',
      });
      rows.push({ metric: `  agent CPU per set-up`, value: round((cpu.agent / more) * 1000, 2), unit: 'ms' });
      rows.push({ metric: `  relay CPU per set-up`, value: round((cpu.relay / more) * 1000, 2), unit: 'ms' });
      rows.push({
        metric: `  relay RSS per held session`,
        value: round(((rss.relay - base.relay) * 1024) / held, 1),
        unit: 'KiB',
      });
      rows.push({
        metric: `  agent RSS per held session`,
        value: round(((rss.agent - base.agent) * 1024) / held, 1),
        unit: 'KiB',
      });
      const pings = await Promise.all(gens.map((g) => g.ask({ op: 'ping', count: 100 })));
      rows.push(
        ...latencyRows(
          `  ping round trip via relay at ${held} sessions`,
          pings.flatMap((p) => p.samples),
        ),
      );
    }
    await Promise.all(gens.map((g) => g.ask({ op: 'close' })));
    return rows;
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    await sleep(300);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await relayCapacityBench()) console.log(`${r.metric.padEnd(60)} ${r.value} ${r.unit}`);
  process.exit(0);
}
