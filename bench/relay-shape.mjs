// Capacity of one relay instance for the real shape: many homes with a few phone streams each.
// `lifeline relay` runs alone in its process; the homes' agent links (bench/relay-homes.mjs: real
// link authentication, heartbeats, pass-through streams echoed by the agent's own stream code) and
// the phones (bench/relay-phones.mjs: a ClientHello for the home's name, then small messages) run
// in other processes, from several loopback addresses each. Reported for the relay process only
// (CPU from /proc, RSS deltas): links held, link-ups and stream set-ups per core-second, KiB per
// link and per idle stream, idle CPU, and forwarding: the round-trip rate that takes one full core
// of the relay (its capacity; from relay CPU per round trip in a closed-loop burst) and p50/p99 of
// a 32-byte round trip (phone → relay → agent echo → relay → phone) at 10, 50 and 90 % of it.
//
// SHAPE_HOMES (default 1000) and SHAPE_STREAMS (per home, default 2) set the size: the full shape
// is SHAPE_HOMES=5000. RELAY_PROF=<dir> runs the relay with --cpu-prof into that directory.
import { fork, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { latencyRows, round } from './stats.mjs';
import { cpuSeconds, freePort, rssKiB, waitHttp } from './system.mjs';

const root = new URL('..', import.meta.url).pathname;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const HOMES = Number(process.env.SHAPE_HOMES ?? 1000);
const PER_HOME = Number(process.env.SHAPE_STREAMS ?? 2);
const GENERATORS = 2;
const CALIBRATE_RATE = Number(process.env.SHAPE_CALIBRATE_RATE ?? 1000);
/** Loopback sources per generator: the relay's limits count per address. */
const SOURCES = 8;
const addresses = (base) => Array.from({ length: SOURCES }, (_, i) => `127.0.0.${base + i}`).join(',');

function generator(file, args) {
  const child = fork(path.join(root, 'bench', file), args, {
    stdio: 'inherit',
    execArgv: ['--max-old-space-size=4096'],
  });
  const waiting = [];
  const fail = (why) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`load generator ${file}: ${why}`));
  };
  child.on('message', (m) => {
    if (m.op === 'error') fail(m.message);
    else waiting.shift()?.resolve(m);
  });
  child.on('exit', (code) => fail(`exited (${code})`));
  const next = () => new Promise((resolve, reject) => waiting.push({ resolve, reject }));
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

const all = (gens, m) => Promise.all(gens.map((g) => g.ask(m)));

export async function relayShapeBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-shape-'));
  const procs = [];
  const rows = [];
  const row = (metric, value, unit) => {
    rows.push({ metric, value, unit });
    if (process.env.SHAPE_VERBOSE) console.error(`  ${metric}: ${value} ${unit}`);
  };
  try {
    row('machine load average (1 min) at start', round(os.loadavg()[0], 2), `on ${os.cpus().length} cores`);
    const share = Math.ceil(HOMES / GENERATORS);
    const homes = [];
    for (let g = 0; g < GENERATORS; g++) {
      const n = Math.min(share, HOMES - g * share);
      const gen = generator('relay-homes.mjs', [String(g * share), String(n), addresses(20 + 10 * g)]);
      procs.push(gen.child);
      await gen.ready;
      homes.push(gen);
    }
    const ids = (await all(homes, { op: 'ids' })).flatMap((r) => r.ids);

    const [relayPort, passPort] = [await freePort(), await freePort()];
    writeFileSync(
      path.join(dir, 'relay.yaml'),
      JSON.stringify({
        listen: { host: '127.0.0.1', port: relayPort },
        data: './relay-data',
        homes: ids,
        // Raised: the bench's sources are a few loopback addresses standing in for thousands of
        // homes and phones, each of which the defaults would let through.
        limits: { connectsPerMinute: 10_000, sourceConnectsPerMinute: 100_000 },
        passthrough: { host: '127.0.0.1', port: passPort, connectsPerMinute: 100_000 },
      }),
    );
    const prof = process.env.RELAY_PROF;
    if (prof) mkdirSync(prof, { recursive: true });
    const relay = spawn(
      process.execPath,
      [
        ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
        path.join(root, 'bin/lifeline.js'),
        'relay',
        '-c',
        path.join(dir, 'relay.yaml'),
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, LIFELINE_LOG: 'warn' } },
    );
    procs.push(relay);
    await waitHttp(`http://127.0.0.1:${relayPort}/healthz`);
    await sleep(500);
    const usage = () => ({ cpu: cpuSeconds(relay.pid), rss: rssKiB(relay.pid), at: performance.now() });
    const cpuShare = (a, b) => round(((b.cpu - a.cpu) / ((b.at - a.at) / 1000)) * 100, 1);
    const base = usage();

    // Agent links: every home links in, 25 at a time per generator.
    const linked = await all(homes, { op: 'link', url: `ws://127.0.0.1:${relayPort}/ws/agent`, wave: 25 });
    const afterLinks = usage();
    const up = linked.reduce((n, r) => n + r.up, 0);
    const linkMs = Math.max(...linked.map((r) => r.ms));
    const whys = Object.assign({}, ...linked.map((r) => r.whys));
    row(
      `agent links held (${linked.reduce((n, r) => n + r.failed, 0)} failed${Object.keys(whys).length ? `: ${JSON.stringify(whys)}` : ''})`,
      up,
      'links',
    );
    row('link set-up rate (wall clock)', round((up / linkMs) * 1000, 0), 'links/s');
    row('relay: link set-ups per CPU second', round(up / (afterLinks.cpu - base.cpu), 0), 'links/s/core');
    await sleep(3000);
    const linksIdle0 = usage();
    row('relay: RSS per agent link', round((linksIdle0.rss - base.rss) / up, 1), 'KiB');
    await sleep(10_000);
    const linksIdle1 = usage();
    row(
      `relay: CPU with ${up} links idle (heartbeats only)`,
      cpuShare(linksIdle0, linksIdle1),
      '% of a core',
    );

    // Phone streams: PER_HOME for each home, 16 at a time per generator.
    const phones = [];
    for (let g = 0; g < GENERATORS; g++) {
      const n = Math.min(share, HOMES - g * share);
      const gen = generator('relay-phones.mjs', [
        String(g * share),
        String(n),
        String(PER_HOME),
        addresses(40 + 10 * g),
      ]);
      procs.push(gen.child);
      await gen.ready;
      phones.push(gen);
    }
    const s0 = usage();
    const opened = await all(phones, { op: 'open', port: passPort, wave: 16 });
    const s1 = usage();
    const held = opened.reduce((n, r) => n + r.held, 0);
    const openWhys = Object.assign({}, ...opened.map((r) => r.whys));
    row(
      `phone streams held (${opened.reduce((n, r) => n + r.failed, 0)} failed${Object.keys(openWhys).length ? `: ${JSON.stringify(openWhys)}` : ''})`,
      held,
      'streams',
    );
    row(
      'stream set-up rate (hello through to the agent and back; wall clock)',
      round((held / Math.max(...opened.map((r) => r.ms))) * 1000, 0),
      'streams/s',
    );
    row('relay: stream set-ups per CPU second', round(held / (s1.cpu - s0.cpu), 0), 'streams/s/core');
    await sleep(3000);
    const idle0 = usage();
    row('relay: RSS per idle stream', round((idle0.rss - linksIdle1.rss) / held, 1), 'KiB');
    row(`relay: RSS in all (${up} links, ${held} streams)`, round(idle0.rss / 1024, 0), 'MiB');
    await sleep(10_000);
    const idle1 = usage();
    row(
      `relay: CPU with ${held} streams idle (and the links' heartbeats)`,
      cpuShare(idle0, idle1),
      '% of a core',
    );

    // Forwarding. Full speed first (closed loop: the relay batches what arrives together), then
    // capacity, defined conservatively: the round-trip rate at which the relay's CPU would be one
    // full core if each round trip cost what it costs unbatched (relay CPU per round trip at a light
    // steady rate, CALIBRATE_RATE, on top of the idle relay's own). The 10/50/90 % loads below are
    // offered at fractions of it.
    const total = Math.max(5000, held);
    const b0 = usage();
    const burst = await all(phones, { op: 'burst', total, concurrency: 64 });
    const b1 = usage();
    const trips = burst.reduce((n, r) => n + r.done, 0);
    row(
      'forwarding: round trips at full speed (closed loop, 64 in flight per generator)',
      round((trips / Math.max(...burst.map((r) => r.ms))) * 1000, 0),
      'round trips/s',
    );
    row('  relay: CPU per round trip at full speed', round(((b1.cpu - b0.cpu) / trips) * 1e6, 1), 'µs');
    const c0 = usage();
    const calibrated = await all(phones, { op: 'load', rate: CALIBRATE_RATE / GENERATORS, seconds: 8 });
    const c1 = usage();
    // What the forwarding adds to the idle relay's own cost (heartbeats, its timers).
    const idleShare = (idle1.cpu - idle0.cpu) / ((idle1.at - idle0.at) / 1000);
    const forwarding = c1.cpu - c0.cpu - idleShare * ((c1.at - c0.at) / 1000);
    const cpuPerTrip = forwarding / calibrated.reduce((n, r) => n + r.samples.length, 0);
    const capacity = (1 - idleShare) / cpuPerTrip;
    row(
      `relay: CPU per round trip at ${CALIBRATE_RATE}/s (32 bytes each way; above the idle cost)`,
      round(cpuPerTrip * 1e6, 1),
      'µs',
    );
    row('capacity: round trips a second that would take one relay core', round(capacity, 0), 'round trips/s');
    for (const share of [0.1, 0.5, 0.9]) {
      const rate = capacity * share;
      const l0 = usage();
      const loaded = await all(phones, { op: 'load', rate: rate / GENERATORS, seconds: 6 });
      const l1 = usage();
      const got = loaded.flatMap((r) => r.samples);
      const sent = loaded.reduce((n, r) => n + r.sent, 0);
      const secs = Math.max(...loaded.map((r) => r.ms)) / 1000;
      const pct = Math.round(share * 100);
      row(
        `at ${pct} % of capacity: offered ${round(rate, 0)}/s, answered (${loaded.reduce((n, r) => n + r.lost, 0)} unanswered)`,
        round(got.length / secs, 0),
        'round trips/s',
      );
      const busy = cpuShare(l0, l1);
      // The generators share the machine: when the relay is far from its share, they set the pace
      // (and the latency below is theirs as much as the relay's).
      const note =
        busy < pct * 0.6
          ? ' (relay far below its share: the generators or the machine limited this point)'
          : '';
      row(`  relay CPU at ${pct} %${note}`, busy, '% of a core');
      row(`  sent at ${pct} %`, sent, 'messages');
      rows.push(...latencyRows(`  round trip at ${pct} % of capacity`, got));
    }
    const still = await all(homes, { op: 'stats' });
    row(
      'agent links dropped during the run',
      still.reduce((n, r) => n + r.lost, 0),
      'links',
    );
    // A clean stop with everything held (a rolling update, a SIGTERM from the orchestrator).
    const t0 = performance.now();
    const exited = new Promise((resolve) => relay.once('exit', resolve));
    relay.kill('SIGTERM');
    await Promise.race([exited, sleep(120_000)]);
    row(
      `relay: clean stop (SIGTERM to exit) with ${up} links, ${held} streams`,
      round((performance.now() - t0) / 1000, 1),
      's',
    );
    await all(phones, { op: 'close' });
    await all(homes, { op: 'close' });
    return rows;
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    await sleep(300);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await relayShapeBench()) console.log(`${r.metric.padEnd(80)} ${r.value} ${r.unit}`);
  process.exit(0);
}
