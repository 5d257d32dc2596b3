// Relay figures: forwarding overhead per command (relay vs direct), sessions held per core and
// memory per session, offline-detection latency, reconnect time after a relay restart.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as v from 'valibot';
import { createAgent } from '../dist/server/agent/agent.js';
import { loadOrCreateAgentIdentity } from '../dist/server/agent/identity.js';
import { loadConfig } from '../dist/server/config/load.js';
import { RelaySettingsSchema } from '../dist/server/config/relay-settings.js';
import { silentLogger } from '../dist/server/log.js';
import { buildRelayApp } from '../dist/server/relay/app.js';
import { Relay } from '../dist/server/relay/relay.js';
import { AgentClient } from '../dist/shared/client/agent-client.js';
import { sessionUrl } from '../dist/shared/pairing-link.js';
import { openClientSession } from '../dist/shared/session/client-session.js';
import { generateIdentity } from '../dist/shared/session/keys.js';
import { openTransport } from './connect.mjs';
import { latencyRows, percentile, round } from './stats.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(fn, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(5);
  }
}

async function startRelay(dir, homes, port = 0, offline = {}) {
  // Every client of the benchmark comes from 127.0.0.1: lift the per-address limits.
  const settings = v.parse(RelaySettingsSchema, {
    homes,
    offline,
    limits: { connectsPerMinute: 10_000, sourceConnectsPerMinute: 100_000, sessionsPerHome: 1000 },
  });
  const relay = await Relay.open({ settings, dataDir: dir, log: silentLogger });
  const app = await buildRelayApp({ relay, trustProxy: [] });
  const url = await app.listen({ host: '127.0.0.1', port });
  return { relay, app, url };
}

async function rtt(client, target, n) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const r = await client.command('devices.rename', { target, args: { name: `bench ${i % 7}` } });
    if (r.status !== 'ok') throw new Error(JSON.stringify(r));
    samples.push(performance.now() - t0);
  }
  return samples;
}

export async function relayBench() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-relay-'));
  const rows = [];
  const dataDir = path.join(root, 'agent', 'data');
  const { identity: agentId } = await loadOrCreateAgentIdentity(dataDir);
  let r = await startRelay(path.join(root, 'relay'), [agentId.id]);
  const relayPort = Number(new URL(r.url).port);
  const file = path.join(root, 'agent', 'lifeline.yaml');
  writeFileSync(
    file,
    `listen: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${r.url}", heartbeatSeconds: 2 }\n`,
  );
  const agent = await createAgent({ loaded: loadConfig(file), log: silentLogger, port: 0 });
  const direct = await agent.listen();
  try {
    await waitFor(() => agent.state.get('relay', 'link')?.connected);
    const { identity } = await generateIdentity(false);
    const { code } = agent.pairing.create(null);
    const first = await openClientSession(await openTransport(sessionUrl(direct, agent.homeId)), {
      homeId: agent.homeId,
      device: identity,
      client: { kind: 'ctl', version: 'bench' },
      pair: { code, name: 'bench' },
    });
    const agentKey = first.agentKey;
    first.close();
    const connect = async (base) => {
      const s = await openClientSession(await openTransport(sessionUrl(base, agent.homeId)), {
        homeId: agent.homeId,
        pinnedAgentKey: agentKey,
        device: identity,
        client: { kind: 'ctl', version: 'bench' },
      });
      const c = new AgentClient(s);
      await c.ready();
      return c;
    };

    const d = await connect(direct);
    const viaRelay = await connect(r.url);
    await rtt(d, identity.id, 50);
    await rtt(viaRelay, identity.id, 50);
    const directSamples = await rtt(d, identity.id, 500);
    const relaySamples = await rtt(viaRelay, identity.id, 500);
    rows.push(...latencyRows('command round trip, direct', directSamples));
    rows.push(...latencyRows('command round trip, via relay', relaySamples));
    rows.push({
      metric: 'relay overhead p50',
      value: round(percentile(relaySamples, 50) - percentile(directSamples, 50)),
      unit: 'ms',
    });
    d.close();
    viaRelay.close();

    // Sessions held open through the relay. Agent, relay and clients share this process, so the
    // figure is an upper bound for the relay alone.
    const N = 200;
    global.gc?.();
    const before = process.memoryUsage();
    const t0 = performance.now();
    const clients = [];
    for (let i = 0; i < N; i += 20)
      clients.push(...(await Promise.all(Array.from({ length: Math.min(20, N - i) }, () => connect(r.url)))));
    const setupMs = performance.now() - t0;
    global.gc?.();
    const after = process.memoryUsage();
    rows.push({
      metric: `${N} sessions via relay: set-up rate (one core)`,
      value: round((N / setupMs) * 1000, 0),
      unit: 'sessions/s',
    });
    rows.push({
      metric: 'memory per open session (agent+relay+client, one process)',
      value: round((after.rss - before.rss) / N / 1024, 1),
      unit: 'KiB',
    });
    for (const c of clients) c.close();
    await sleep(300);

    // Reconnect after a relay restart: from the relay listening again to the link being up.
    const reconnects = [];
    for (let i = 0; i < 5; i++) {
      await r.app.close();
      await r.relay.close();
      await waitFor(() => !agent.state.get('relay', 'link')?.connected);
      r = await startRelay(path.join(root, 'relay'), [agentId.id], relayPort);
      const up = performance.now();
      await waitFor(() => agent.state.get('relay', 'link')?.connected);
      reconnects.push(performance.now() - up);
    }
    rows.push(...latencyRows('agent reconnect after relay restart', reconnects));
  } finally {
    await agent.close();
    await r.app.close();
    await r.relay.close();
  }

  // Offline detection with default settings: the agent process killed (the kernel closes its
  // socket) and frozen (a dead network: no FIN, only missing heartbeats).
  const defaults = v.parse(RelaySettingsSchema, {}).offline;
  let rr = await startRelay(path.join(root, 'relay2'), [agentId.id], 0);
  writeFileSync(file, `listen: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${rr.url}" }\n`);
  try {
    for (const how of ['SIGKILL', 'SIGSTOP']) {
      const child = spawn(
        process.execPath,
        [new URL('../bin/lifeline.js', import.meta.url).pathname, 'agent', '-c', file, '-p', '0'],
        {
          stdio: 'ignore',
          env: { ...process.env, LIFELINE_LOG: 'silent' },
        },
      );
      await waitFor(() => rr.relay.status(agentId.id)?.online, 30_000);
      await sleep(500);
      const t = performance.now();
      child.kill(how);
      await waitFor(() => rr.relay.status(agentId.id)?.online === false, 120_000);
      rows.push({
        metric:
          how === 'SIGKILL'
            ? 'offline detection, agent killed'
            : `offline detection, network dead (afterSeconds ${defaults.afterSeconds})`,
        value: round((performance.now() - t) / 1000, 2),
        unit: 's',
      });
      // The notice itself: what the owner waits for after a power cut (SIGSTOP: no FIN, nothing).
      await waitFor(() => rr.relay.store.home(agentId.id)?.offline_notified === 1, 120_000);
      rows.push({
        metric: `"home offline" notice, ${how === 'SIGKILL' ? 'agent killed' : 'power cut (network dead)'}, defaults (after ${defaults.afterSeconds} s, grace ${defaults.graceSeconds} s)`,
        value: round((performance.now() - t) / 1000, 2),
        unit: 's',
      });
      child.kill('SIGKILL');
      await sleep(200);
    }
    // No false alarm with the defaults: an agent restart (SIGTERM, started again at once) and a
    // relay restart (same data, same port) each watched past the grace period for any "offline".
    const spawnAgent = () =>
      spawn(
        process.execPath,
        [new URL('../bin/lifeline.js', import.meta.url).pathname, 'agent', '-c', file, '-p', '0'],
        {
          stdio: 'ignore',
          env: { ...process.env, LIFELINE_LOG: 'silent' },
        },
      );
    const watchForAlarm = async (ms) => {
      let alarms = 0;
      for (const end = Date.now() + ms; Date.now() < end; await sleep(200))
        if (rr.relay.store.home(agentId.id)?.offline_notified === 1) alarms++;
      return alarms > 0 ? 1 : 0;
    };
    let agentProc = spawnAgent();
    await waitFor(() => rr.relay.status(agentId.id)?.online, 30_000);
    await sleep(1000);
    agentProc.kill('SIGTERM');
    await new Promise((r) => agentProc.once('exit', r));
    agentProc = spawnAgent();
    rows.push({
      metric: `"home offline" notices across an agent restart, defaults`,
      value: await watchForAlarm((defaults.graceSeconds + 10) * 1000),
      unit: 'notices',
    });
    const port = Number(new URL(rr.url).port);
    await rr.app.close();
    await rr.relay.close();
    await sleep(2000);
    rr = await startRelay(path.join(root, 'relay2'), [agentId.id], port);
    rows.push({
      metric: `"home offline" notices across a relay restart (down 2 s), defaults`,
      value: await watchForAlarm((defaults.graceSeconds + 10) * 1000),
      unit: 'notices',
    });
    agentProc.kill('SIGKILL');
  } finally {
    await rr.app.close();
    await rr.relay.close();
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}
