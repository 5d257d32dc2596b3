// How long a changed public IP takes to be detected and fixed, against a real BIND (RFC 2136 + TSIG)
// and a local echo endpoint. Two measurements:
//  1. with the default timings (constants.ts), one real change at a random moment: detection waits for
//     the next public-address round (≤ PUBLIC_IP_INTERVAL_MS), the fix follows at once;
//  2. the fix alone (change seen → BIND answers the new address), many times, with 1 s rounds.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createAgent } from '../dist/server/agent/agent.js';
import { PUBLIC_IP_INTERVAL_MS } from '../dist/server/agent/network/constants.js';
import { loadConfig } from '../dist/server/config/load.js';
import { silentLogger } from '../dist/server/log.js';
import { percentile, round } from './stats.mjs';
import { freePort } from './system.mjs';

async function startNamed(dir, port, secret) {
  writeFileSync(
    path.join(dir, 'zone'),
    '$TTL 60\n@ IN SOA ns1 h 1 3600 600 86400 60\n@ IN NS ns1\nns1 IN A 127.0.0.1\nhome IN A 198.51.100.1\n',
  );
  writeFileSync(
    path.join(dir, 'named.conf'),
    `options { directory "${dir}"; pid-file "${dir}/pid"; session-keyfile "${dir}/sk"; listen-on port ${port} { 127.0.0.1; }; listen-on-v6 { none; }; recursion no; notify no; };
controls { };
key "bench" { algorithm hmac-sha256; secret "${secret}"; };
zone "bench.test" { type primary; file "${dir}/zone"; allow-update { key "bench"; }; };`,
  );
  const child = spawn('/usr/sbin/named', ['-g', '-c', path.join(dir, 'named.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    let out = '';
    const on = (d) => {
      out += d;
      if (out.includes('running')) resolve();
    };
    child.stdout.on('data', on);
    child.stderr.on('data', on);
    child.once('exit', () => reject(new Error(`named exited:\n${out}`)));
  });
  await new Promise((r) => setTimeout(r, 300));
  return child;
}

async function run(dir, named, echoUrl, intervalSeconds) {
  const file = path.join(dir, `lifeline-${intervalSeconds ?? 'default'}.yaml`);
  writeFileSync(
    file,
    JSON.stringify({
      listen: { host: '127.0.0.1', port: 0 },
      data: `./data-${intervalSeconds ?? 'default'}`,
      network: {
        names: ['home.bench.test'],
        resolvers: [named.server],
        publicIp: {
          echo: [{ url: echoUrl, family: 'ipv4' }],
          router: false,
          relay: false,
          ...(intervalSeconds ? { intervalSeconds } : {}),
        },
        ddns: {
          provider: 'rfc2136',
          zone: 'bench.test',
          server: named.server,
          key: { name: 'bench', secret: named.secret },
        },
      },
    }),
  );
  const agent = await createAgent({ loaded: loadConfig(file), log: silentLogger, port: 0 });
  await agent.startCapabilities();
  return agent;
}

export async function netDetectAndFix() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-net-'));
  const port = await freePort();
  const secret = randomBytes(32).toString('base64');
  const child = await startNamed(dir, port, secret);
  const named = { server: `127.0.0.1:${port}`, secret };
  let address = '198.51.100.1';
  const echo = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(address));
  await new Promise((r) => echo.listen(0, '127.0.0.1', r));
  const echoUrl = `http://127.0.0.1:${echo.address().port}/`;
  const dns = new Resolver({ timeout: 500, tries: 1 });
  dns.setServers([named.server]);
  const answers = async (want) => (await dns.resolve4('home.bench.test').catch(() => [])).includes(want);
  const until = async (fn, timeoutMs) => {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await fn()) return true;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('timed out');
  };
  const agents = [];
  try {
    // 1. Default timings: one change at a random point of the round.
    const a = await run(dir, named, echoUrl, undefined);
    agents.push(a);
    await until(() => a.state.get('network.name', 'home.bench.test')?.status === 'match', 20_000);
    await new Promise((r) => setTimeout(r, Math.random() * PUBLIC_IP_INTERVAL_MS));
    address = '203.0.113.1';
    const t0 = performance.now();
    await until(
      () => a.events.list({ limit: 1, kind: 'network.ip-changed' }).length > 0,
      PUBLIC_IP_INTERVAL_MS + 10_000,
    );
    const detected = performance.now() - t0;
    await until(() => answers(address), 30_000);
    const fixedDefault = performance.now() - t0;
    await a.close();
    agents.pop();

    // 2. The fix alone, many times.
    const b = await run(dir, named, echoUrl, 1);
    agents.push(b);
    await until(
      () => b.state.get('network.public-ip', 'ipv4')?.address === address && answers(address),
      20_000,
    );
    const fixes = [];
    for (let i = 0; i < 20; i++) {
      address = `203.0.113.${10 + i}`;
      const before = b.events.list({ limit: 1 })[0]?.id ?? 0;
      await until(() => b.events.list({ limit: 1, kind: 'network.ip-changed' })[0]?.id > before, 10_000);
      const seen = performance.now();
      await until(() => answers(address), 10_000);
      fixes.push(performance.now() - seen);
    }
    const p95 = percentile(fixes, 95);
    return [
      {
        metric: 'default public-address round (PUBLIC_IP_INTERVAL_MS)',
        value: PUBLIC_IP_INTERVAL_MS / 1000,
        unit: 's',
      },
      { metric: 'defaults, one change: detected after', value: round(detected / 1000, 1), unit: 's' },
      {
        metric: 'defaults, one change: BIND answers new address after',
        value: round(fixedDefault / 1000, 1),
        unit: 's',
      },
      { metric: 'fix (change seen → BIND answers) p50', value: round(percentile(fixes, 50)), unit: 'ms' },
      { metric: 'fix (change seen → BIND answers) p95', value: round(p95), unit: 'ms' },
      {
        metric: 'worst case with defaults (round + fix p95)',
        value: round((PUBLIC_IP_INTERVAL_MS + p95) / 1000, 1),
        unit: 's',
      },
    ];
  } finally {
    for (const a of agents) await a.close().catch(() => {});
    echo.closeAllConnections();
    await new Promise((r) => echo.close(r));
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    rmSync(dir, { recursive: true, force: true });
  }
}
