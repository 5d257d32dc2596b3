// The agent at rest, each in its own process, side by side in one run: the stack floor
// (bench/stack-floor.mjs: node, fastify with its WebSocket and static plugins, SQLite, valibot and
// yaml, listening, no Lifeline code), `lifeline start` with an empty config, and `lifeline start`
// with a big home (200 containers on a real Docker engine, 20 plugs, 10 machines) — as run by
// hand, and with the runtime settings the shipped units and images use (deploy/runtime.env, and the
// node flags of the agent's unit and image) — and
// `lifeline agent` as shipped, linked to a stand-alone `lifeline relay`, which is measured too.
// RSS and CPU are read from /proc after everything has settled, so nothing of the benchmark's own
// is counted. The floor runs under the shipped settings too, and the shipped agent is compared with
// that floor: settings that shrink any node process must not count as the agent's own saving.
// Settling takes 90 s: V8 gives back the start-up's heap only once its memory reducer has run, which
// takes the agent up to a minute (the floor, which allocates nothing after start, ~35 s); sampled
// earlier, the last-started processes were still at their start-up peak. RSS moves by a few MiB with garbage collection and allocator state: each process is
// sampled every second and reported by its median, and each variant runs as COPIES processes.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import { round } from './stats.mjs';
import { cpuSeconds, freePort, rssKiB } from './system.mjs';
import { loadTestModule } from './test-code.mjs';

const CONTAINERS = 200;
const PLUGS = 20;
const HOSTS = 10;
// Identical processes differ by up to 4 MiB (garbage collection, the allocator's main arena): five of
// each, and the spread is reported beside the medians.
const COPIES = 5;
const SETTLE_MS = 90_000;
// Long enough for several rounds of each poll (plugs every 10 s, machines every 30 s by default).
const WINDOW_MS = 60_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const root = new URL('..', import.meta.url).pathname;

/** The settings of deploy/runtime.env (what the systemd units and images set), as an environment. */
function shippedRuntime() {
  const env = {};
  for (const line of readFileSync(path.join(root, 'deploy/runtime.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2];
  }
  return env;
}

/** The node flags the agent's systemd unit runs it with (V8 flags, which NODE_OPTIONS cannot carry). */
function shippedNodeFlags() {
  const unit = readFileSync(path.join(root, 'deploy/systemd/lifeline-agent.service'), 'utf8');
  const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1].split(' ') ?? [];
  return exec.slice(
    1,
    exec.findIndex((a) => a.endsWith('/bin/lifeline.js')),
  );
}

async function mapLimit(items, limit, fn) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (queue.length) await fn(queue.shift());
    }),
  );
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

export async function idleBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-idle-'));
  const { startDockerd, TEST_IMAGE } = await loadTestModule('harness', 'dockerd');
  const { startShellyGen1 } = await loadTestModule('simulators', 'shelly-gen1');
  const dockerd = await startDockerd();
  const plugs = [];
  const procs = [];
  try {
    const docker = new Docker({ socketPath: dockerd.socket });
    const names = Array.from({ length: CONTAINERS }, (_, i) => `idle-${String(i).padStart(3, '0')}`);
    await mapLimit(names, 8, (name) =>
      docker.createContainer({ name, Image: TEST_IMAGE, Cmd: ['true'], HostConfig: { NetworkMode: 'none' } }),
    );
    for (let i = 0; i < PLUGS; i++) plugs.push(await startShellyGen1({ watts: 5 + i }));
    const bigHome = {
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
    const empty = { listen: { host: '127.0.0.1', port: 0 } };
    const shipped = shippedRuntime();
    const shippedFlags = shippedNodeFlags();
    // What the shipped units and images run is `lifeline agent`, linked to a relay outside the house
    // (a stand-alone relay in a process of its own, not measured). `lifeline start` above also
    // carries the embedded relay.
    const { loadOrCreateAgentIdentity } = await import(`${root}dist/server/agent/identity.js`);
    // One home (identity and data folder) per linked agent process: three variants of COPIES each.
    const agentData = [];
    for (let copy = 0; copy < 3 * COPIES; copy++) {
      const data = mkdtempSync(path.join(dir, 'agent-data-'));
      const { identity } = await loadOrCreateAgentIdentity(data);
      agentData.push({ data, homeId: identity.id });
    }
    const relayPort = await freePort();
    const relayFile = path.join(dir, 'relay.yaml');
    writeFileSync(
      relayFile,
      JSON.stringify({
        listen: { host: '127.0.0.1', port: relayPort },
        data: path.join(dir, 'relay-data'),
        homes: agentData.map((a) => a.homeId),
      }),
    );
    const relay = spawn(process.execPath, [path.join(root, 'bin/lifeline.js'), 'relay', '-c', relayFile], {
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, LIFELINE_LOG: 'silent' },
    });
    procs.push({ key: 'relay', child: relay, rss: [], cpu: 0 });
    await sleep(2000);
    const agentHome = (home) => ({
      ...bigHome,
      data: agentData[home].data,
      relay: { url: `ws://127.0.0.1:${relayPort}` },
    });
    const variants = [
      { key: 'floor', args: [path.join(root, 'bench/stack-floor.mjs')], env: {} },
      {
        key: 'floor-shipped',
        args: [path.join(root, 'bench/stack-floor.mjs')],
        env: shipped,
        flags: shippedFlags,
      },
      {
        key: 'floor-crypto-shipped',
        args: [path.join(root, 'bench/stack-floor.mjs'), '--session-crypto'],
        env: shipped,
        flags: shippedFlags,
      },
      { key: 'empty', config: empty, env: {} },
      { key: 'big', config: bigHome, env: {} },
      { key: 'big-shipped', config: bigHome, env: shipped, flags: shippedFlags },
      { key: 'empty-shipped', config: empty, env: shipped, flags: shippedFlags },
      { key: 'agent-shipped', config: agentHome, command: 'agent', env: shipped, flags: shippedFlags },
      // The same agent without the unit's node flags, for what they are worth.
      {
        key: 'agent-shipped-env-only',
        config: (copy) => agentHome(COPIES + copy),
        command: 'agent',
        env: shipped,
      },
      // The same agent run from the compiler's output, one file per module, instead of the bundle.
      {
        key: 'agent-shipped-unbundled',
        config: (copy) => agentHome(2 * COPIES + copy),
        command: 'agent',
        bin: 'bench/unbundled.mjs',
        env: shipped,
        flags: shippedFlags,
      },
      // One capability each, for what its polling costs per plug, per machine, for the engine.
      { key: 'power-only', config: { ...empty, power: bigHome.power }, env: {} },
      { key: 'machines-only', config: { ...empty, machines: bigHome.machines }, env: {} },
      { key: 'containers-only', config: { ...empty, containers: bigHome.containers }, env: {} },
    ];
    for (let copy = 0; copy < COPIES; copy++)
      for (const v of variants) {
        let args = v.args;
        if (v.config) {
          const data = mkdtempSync(path.join(dir, `${v.key}-`));
          const file = path.join(data, 'lifeline.yaml');
          writeFileSync(file, JSON.stringify(typeof v.config === 'function' ? v.config(copy) : v.config));
          const bin = path.join(root, v.bin ?? 'bin/lifeline.js');
          args = v.command === 'agent' ? [bin, 'agent', '-c', file] : [bin, 'start', '-c', file, '-p', '0'];
        }
        const child = spawn(process.execPath, [...(v.flags ?? []), ...args], {
          stdio: ['ignore', 'ignore', 'ignore'],
          env: { ...process.env, LIFELINE_LOG: 'silent', ...v.env },
        });
        procs.push({ key: v.key, child, rss: [], cpu: 0 });
        await sleep(2000);
      }
    await sleep(SETTLE_MS);
    for (const p of procs) p.cpu = cpuSeconds(p.child.pid);
    for (let waited = 0; waited < WINDOW_MS; waited += 1000) {
      for (const p of procs) p.rss.push(rssKiB(p.child.pid) / 1024);
      await sleep(1000);
    }
    const of = (key) => procs.filter((p) => p.key === key);
    const rss = (key) => median(of(key).map((p) => median(p.rss)));
    const cpu = (key) =>
      median(of(key).map((p) => ((cpuSeconds(p.child.pid) - p.cpu) / (WINDOW_MS / 1000)) * 100));
    const spread = (key) => {
      const each = of(key).map((p) => median(p.rss));
      return Math.max(...each) - Math.min(...each);
    };
    const floor = rss('floor');
    const floorShipped = rss('floor-shipped');
    const home = `${CONTAINERS} containers, ${PLUGS} plugs, ${HOSTS} machines`;
    return [
      {
        metric: 'stack floor RSS (node + fastify + ws + SQLite + valibot + yaml, no Lifeline code)',
        value: round(floor, 1),
        unit: 'MiB',
      },
      { metric: 'lifeline start idle RSS, empty config', value: round(rss('empty'), 1), unit: 'MiB' },
      { metric: `  as ratio to the floor`, value: round(rss('empty') / floor, 2), unit: '×' },
      { metric: `lifeline start idle RSS, ${home}`, value: round(rss('big'), 1), unit: 'MiB' },
      { metric: `  as ratio to the floor`, value: round(rss('big') / floor, 2), unit: '×' },
      {
        metric: `lifeline start idle RSS, ${home}, shipped runtime settings`,
        value: round(rss('big-shipped'), 1),
        unit: 'MiB',
      },
      {
        metric: 'stack floor RSS, shipped runtime settings',
        value: round(floorShipped, 1),
        unit: 'MiB',
      },
      {
        metric: `  big home as ratio to the floor, both with the shipped settings`,
        value: round(rss('big-shipped') / floorShipped, 2),
        unit: '×',
      },
      {
        metric: `lifeline agent (as shipped, linked to a stand-alone relay) idle RSS, ${home}, shipped runtime settings`,
        value: round(rss('agent-shipped'), 1),
        unit: 'MiB',
      },
      {
        metric: `  as ratio to the floor, both with the shipped settings`,
        value: round(rss('agent-shipped') / floorShipped, 2),
        unit: '×',
      },
      {
        metric: `  the same with the runtime environment only, without node's ${shippedFlags.join(' ')}`,
        value: round(rss('agent-shipped-env-only'), 1),
        unit: 'MiB',
      },
      {
        metric: `  the same agent run unbundled (dist/server, one file per module: bench/unbundled.mjs)`,
        value: round(rss('agent-shipped-unbundled'), 1),
        unit: 'MiB',
      },
      {
        metric:
          'stack floor RSS with the session crypto used once (WebCrypto: P-256 sign and verify, ECDH, HKDF, AES-GCM), shipped settings',
        value: round(rss('floor-crypto-shipped'), 1),
        unit: 'MiB',
      },
      {
        metric: `  lifeline agent as ratio to that floor`,
        value: round(rss('agent-shipped') / rss('floor-crypto-shipped'), 2),
        unit: '×',
      },
      {
        metric: `  spread over its ${COPIES} processes (highest − lowest), beside the floor's`,
        value: `${round(spread('agent-shipped'), 1)} / ${round(spread('floor-shipped'), 1)}`,
        unit: 'MiB',
      },
      {
        metric: 'lifeline start idle RSS, empty config, shipped runtime settings',
        value: round(rss('empty-shipped'), 1),
        unit: 'MiB',
      },
      {
        metric: 'lifeline relay idle RSS (stand-alone, the agents above linked, no sessions)',
        value: round(rss('relay'), 1),
        unit: 'MiB',
      },
      { metric: `  as ratio to the floor`, value: round(rss('relay') / floor, 2), unit: '×' },
      { metric: 'idle CPU, empty config', value: round(cpu('empty'), 2), unit: '% of a core' },
      {
        metric: `idle CPU, ${home} (polling plugs and probing machines)`,
        value: round(cpu('big'), 2),
        unit: '% of a core',
      },
      {
        metric: 'idle CPU per plug (20 Shelly plugs polled every 10 s, over the empty config)',
        value: round((cpu('power-only') - cpu('empty')) / PLUGS, 3),
        unit: '% of a core',
      },
      {
        metric: 'idle CPU per machine (10 machines probed every 30 s, over the empty config)',
        value: round((cpu('machines-only') - cpu('empty')) / HOSTS, 3),
        unit: '% of a core',
      },
      {
        metric: `idle CPU for the Docker engine (${CONTAINERS} containers, 20 watched, over the empty config)`,
        value: round(cpu('containers-only') - cpu('empty'), 2),
        unit: '% of a core',
      },
      { metric: 'idle CPU, stack floor', value: round(cpu('floor'), 2), unit: '% of a core' },
    ];
  } finally {
    for (const p of procs) p.child.kill('SIGKILL');
    await sleep(500);
    for (const p of plugs) await p.close();
    await dockerd.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
