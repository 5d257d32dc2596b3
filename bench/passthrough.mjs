// One-origin figures: what the relay's TLS pass-through costs a phone away. Command round trips
// over TLS through the relay vs straight to the agent's HTTPS (p50/p99); TLS handshake time with
// the agent's certificate both ways; and for the relay alone (its own process: `lifeline relay`
// with a passthrough port) CPU per stream set-up (streams per core), bytes forwarded per CPU
// second, and memory per open pass-through stream.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createAgent } from '../dist/server/agent/agent.js';
import { loadOrCreateAgentIdentity } from '../dist/server/agent/identity.js';
import { createHttpsSide } from '../dist/server/agent/tls/https.js';
import { loadConfig } from '../dist/server/config/load.js';
import { CLIENT_DIR } from '../dist/server/http/client-dir.js';
import { silentLogger } from '../dist/server/log.js';
import { wsTransport } from '../dist/server/ws-transport.js';
import { AgentClient } from '../dist/shared/client/agent-client.js';
import { sessionUrl } from '../dist/shared/pairing-link.js';
import { openClientSession } from '../dist/shared/session/client-session.js';
import { generateIdentity } from '../dist/shared/session/keys.js';
import { latencyRows, percentile, round } from './stats.mjs';
import { cpuSeconds, freePort, rssKiB } from './system.mjs';
import { loadTestModule } from './test-code.mjs';

const NAME = 'bench.lifeline.test';
const BIN = fileURLToPath(new URL('../bin/lifeline.js', import.meta.url));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const lookup = (_h, o, cb) =>
  o?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4);

async function waitFor(fn, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

async function certificate(dir) {
  const { selfSignedCertificate } = await loadTestModule('harness', 'tls');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  selfSignedCertificate({ certFile: cert, keyFile: key, subject: NAME, altNames: [`DNS:${NAME}`], days: 2 });
  return { cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}

/** utime+stime (s) and RSS (KiB) of a process, from /proc. */
const usage = (pid) => ({ cpu: cpuSeconds(pid), rss: rssKiB(pid) });

function handshake(port, ca) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const s = tls.connect({ host: '127.0.0.1', port, servername: NAME, ca, ALPNProtocols: ['http/1.1'] });
    s.once('secureConnect', () => resolve({ socket: s, ms: performance.now() - t0 }));
    s.once('error', reject);
  });
}

function download(port, ca, file) {
  return new Promise((resolve, reject) => {
    https
      .get({ host: NAME, port, path: file, ca, lookup, agent: false }, (res) => {
        let n = 0;
        res.on('data', (c) => {
          n += c.length;
        });
        res.on('end', () => resolve(n));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

async function tlsTransport(url, ca) {
  const socket = new WebSocket(url, { ca, lookup });
  const transport = wsTransport(socket);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return transport;
}

export async function passthroughBench() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-pass-'));
  const rows = [];
  const pair = await certificate(root);
  const dataDir = path.join(root, 'agent', 'data');
  const { identity: agentId } = await loadOrCreateAgentIdentity(dataDir);
  const [relayPort, passPort] = [await freePort(), await freePort()];
  const relayFile = path.join(root, 'relay.yaml');
  writeFileSync(
    relayFile,
    JSON.stringify({
      listen: { host: '127.0.0.1', port: relayPort },
      data: path.join(root, 'relay-data'),
      homes: [agentId.id],
      passthrough: { host: '127.0.0.1', port: passPort, connectsPerMinute: 100_000 },
      limits: {
        connectsPerMinute: 10_000,
        sourceConnectsPerMinute: 100_000,
        sessionsPerHome: 1000,
        pipesPerHome: 5000,
      },
    }),
  );
  const relay = spawn(process.execPath, [BIN, 'relay', '-c', relayFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, LIFELINE_LOG: 'warn' },
  });
  let out = '';
  relay.stdout.on('data', (d) => {
    out += d;
  });
  const file = path.join(root, 'agent', 'lifeline.yaml');
  writeFileSync(
    file,
    `listen: { host: 127.0.0.1, port: 0 }\nrelay: { url: "ws://127.0.0.1:${relayPort}" }\n`,
  );
  let agent;
  try {
    await waitFor(() => out.includes('TLS pass-through'));
    let side;
    agent = await createAgent({
      loaded: loadConfig(file),
      log: silentLogger,
      port: 0,
      capabilities: [
        (ctx) => ({
          name: 'bench-https',
          actions: [],
          start() {},
          stop() {},
          https(server) {
            side = createHttpsSide({
              name: NAME,
              source: { current: () => pair, onChange: () => () => {} },
              server,
              listen: { host: '127.0.0.1', port: 0 },
              log: ctx.log,
            });
            return side;
          },
        }),
      ],
    });
    const direct = await agent.listen();
    await waitFor(() => agent.state.get('relay', 'link')?.names?.includes(NAME));
    const lanPort = side.listening.port;
    const ca = pair.cert;

    // Command round trips: a paired device over TLS, straight to the agent and through the relay.
    const { identity } = await generateIdentity(false);
    const { code } = agent.pairing.create(null);
    const first = await openClientSession(await openClientTransport(sessionUrl(direct, agent.homeId)), {
      homeId: agent.homeId,
      device: identity,
      client: { kind: 'ctl', version: 'bench' },
      pair: { code, name: 'bench' },
    });
    const agentKey = first.agentKey;
    first.close();
    const connect = async (port) => {
      const s = await openClientSession(
        await tlsTransport(sessionUrl(`https://${NAME}:${port}`, agent.homeId), ca),
        {
          homeId: agent.homeId,
          pinnedAgentKey: agentKey,
          device: identity,
          client: { kind: 'ctl', version: 'bench' },
        },
      );
      const c = new AgentClient(s);
      await c.ready();
      return c;
    };
    const rtt = async (client, n) => {
      const samples = [];
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const r = await client.command('devices.rename', {
          target: identity.id,
          args: { name: `bench ${i % 7}` },
        });
        if (r.status !== 'ok') throw new Error(JSON.stringify(r));
        samples.push(performance.now() - t0);
      }
      return samples;
    };
    const d = await connect(lanPort);
    const p = await connect(passPort);
    await rtt(d, 50);
    await rtt(p, 50);
    const ds = await rtt(d, 500);
    const ps = await rtt(p, 500);
    rows.push(...latencyRows('command round trip, TLS direct (LAN)', ds));
    rows.push(...latencyRows('command round trip, TLS through relay pass-through', ps));
    rows.push({
      metric: 'pass-through overhead p50',
      value: round(percentile(ps, 50) - percentile(ds, 50)),
      unit: 'ms',
    });
    rows.push({
      metric: 'pass-through overhead p99',
      value: round(percentile(ps, 99) - percentile(ds, 99)),
      unit: 'ms',
    });
    d.close();
    p.close();

    // Handshake time with the agent's certificate (P-256), a new TLS connection each time.
    for (const [label, port] of [
      ['direct', lanPort],
      ['through relay', passPort],
    ]) {
      const samples = [];
      for (let i = 0; i < 200; i++) {
        const { socket, ms } = await handshake(port, ca);
        samples.push(ms);
        socket.destroy();
      }
      rows.push(...latencyRows(`TLS handshake, ${label}`, samples));
    }
    await sleep(300);

    // The relay alone: CPU per stream set-up, memory per open stream.
    const N = 500;
    const before = usage(relay.pid);
    const open = [];
    for (let i = 0; i < N; i += 25)
      open.push(
        ...(await Promise.all(Array.from({ length: Math.min(25, N - i) }, () => handshake(passPort, ca)))),
      );
    await sleep(500);
    const after = usage(relay.pid);
    rows.push({
      metric: 'relay: stream set-ups (hello read, link stream, handshake piped) per CPU second',
      value: round(N / Math.max(0.01, after.cpu - before.cpu), 0),
      unit: 'streams/s/core',
    });
    rows.push({
      metric: `relay: memory per open pass-through stream (${N} open, RSS delta)`,
      value: round((after.rss - before.rss) / N, 1),
      unit: 'KiB',
    });
    for (const o of open) o.socket.destroy();
    await sleep(500);

    // Bulk: the app's largest file downloaded through the relay.
    const assets = path.join(CLIENT_DIR, 'assets');
    const big = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .sort((a, b) => statSync(path.join(assets, b)).size - statSync(path.join(assets, a)).size)[0];
    if (big) {
      const b0 = usage(relay.pid);
      const t0 = performance.now();
      let bytes = 0;
      for (let i = 0; i < 40; i++) bytes += await download(passPort, ca, `/assets/${big}`);
      const secs = (performance.now() - t0) / 1000;
      const b1 = usage(relay.pid);
      rows.push({
        metric: 'download through relay (one stream at a time)',
        value: round(bytes / secs / 1e6, 1),
        unit: 'MB/s',
      });
      rows.push({
        metric: 'relay: bytes forwarded per CPU second',
        value: round(bytes / Math.max(0.01, b1.cpu - b0.cpu) / 1e6, 1),
        unit: 'MB/s/core',
      });
    }
  } finally {
    await agent?.close();
    relay.kill('SIGTERM');
    await sleep(200);
    rmSync(root, { recursive: true, force: true });
  }
  return rows;
}

async function openClientTransport(url) {
  const socket = new WebSocket(url);
  const transport = wsTransport(socket);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return transport;
}
