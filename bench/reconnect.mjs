// Phone reconnect after an agent restart, and after the relay returns: the PWA in Chromium (visible
// page) against `lifeline start`, then against `lifeline agent` through a `lifeline relay` that
// serves the app (app.serve, so the phone's origin is the relay's); the agent or the relay is
// stopped, left down 12 s, started again; measured from its "… is running" to the app's bar saying
// Connected (through the relay: the agent's link comes back first). The target: ≤ 3 s.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { freePort } from './system.mjs';

const BIN = fileURLToPath(new URL('../bin/lifeline.js', import.meta.url));
const ROUNDS = 3;
/** Long enough for the backoff to grow past its first steps (the ~12 s the issue saw). */
const DOWN_MS = 12_000;

function start(config, port, command = 'start') {
  const child = spawn(process.execPath, [BIN, command, '-c', config, '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (/Lifeline (relay )?is running/.test(out)) resolve({ child, at: Date.now(), out: () => out });
    });
    child.once('exit', () => reject(new Error(`the agent exited:\n${out}`)));
  });
}

const stop = (child) =>
  new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });

export async function reconnectBench() {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-bench-'));
  const config = path.join(dir, 'lifeline.yaml');
  const port = await freePort();
  writeFileSync(
    config,
    `home: { name: Bench }\nlisten: { host: 127.0.0.1, port: ${port} }\ndata: ${dir}/data\n`,
  );
  let agent = await start(config, port);
  const { execFileSync } = await import('node:child_process');
  const { link } = JSON.parse(
    execFileSync(process.execPath, [BIN, 'pair', '-c', config, '--json'], { encoding: 'utf8' }),
  );
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox'],
  });
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const connected = () =>
    page.waitForFunction(() => document.querySelector('.connbar.online') !== null, null, { timeout: 60_000 });
  try {
    await page.goto(link);
    await page.getByRole('button', { name: 'Pair' }).click();
    await connected();
    const times = [];
    for (let i = 0; i < ROUNDS; i++) {
      await stop(agent.child);
      await page.waitForFunction(() => document.querySelector('.connbar.online') === null, null, {
        timeout: 30_000,
      });
      await new Promise((r) => setTimeout(r, DOWN_MS));
      agent = await start(config, port);
      await connected();
      times.push(Date.now() - agent.at);
    }
    times.sort((a, b) => a - b);
    const rows = [
      {
        metric: 'phone reconnect after agent restart p50',
        value: times[Math.floor(times.length / 2)],
        unit: 'ms',
      },
      { metric: 'phone reconnect after agent restart max', value: times[times.length - 1], unit: 'ms' },
    ];
    await stop(agent.child);
    agent = null;
    rows.push(...(await viaRelay(browser)));
    return rows;
  } finally {
    await browser.close();
    if (agent) await stop(agent.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The phone paired through a relay that serves the app: the relay stops, stays down, returns. */
async function viaRelay(browser) {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-bench-'));
  const { loadOrCreateAgentIdentity } = await import('../dist/server/agent/identity.js');
  const { identity } = await loadOrCreateAgentIdentity(path.join(dir, 'data'));
  const [relayPort, agentPort] = [await freePort(), await freePort()];
  const relayConfig = path.join(dir, 'relay.yaml');
  writeFileSync(
    relayConfig,
    `listen: { host: 127.0.0.1, port: ${relayPort} }\ndata: ${dir}/relay-data\nhomes: [${identity.id}]\napp: { serve: true }\n`,
  );
  const config = path.join(dir, 'lifeline.yaml');
  const relayUrl = `http://127.0.0.1:${relayPort}`;
  writeFileSync(
    config,
    `home: { name: Bench }\nlisten: { host: 127.0.0.1, port: ${agentPort} }\ndata: ${dir}/data\nrelay: { url: "${relayUrl}" }\n`,
  );
  let relay = await start(relayConfig, relayPort, 'relay');
  const agent = await start(config, agentPort, 'agent');
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  const connected = () =>
    page.waitForFunction(() => document.querySelector('.connbar.online') !== null, null, { timeout: 60_000 });
  try {
    const { execFileSync } = await import('node:child_process');
    await new Promise((r) => setTimeout(r, 1500)); // the agent's link
    const { link } = JSON.parse(
      execFileSync(process.execPath, [BIN, 'pair', '-c', config, '--url', relayUrl, '--json'], {
        encoding: 'utf8',
      }),
    );
    await page.goto(link);
    await page.getByRole('button', { name: 'Pair' }).click();
    await connected();
    const times = [];
    for (let i = 0; i < ROUNDS; i++) {
      await stop(relay.child);
      await page.waitForFunction(() => document.querySelector('.connbar.online') === null, null, {
        timeout: 30_000,
      });
      await new Promise((r) => setTimeout(r, DOWN_MS));
      relay = await start(relayConfig, relayPort, 'relay');
      await connected();
      times.push(Date.now() - relay.at);
    }
    times.sort((a, b) => a - b);
    return [
      {
        metric: 'phone reconnect after the relay returns p50',
        value: times[Math.floor(times.length / 2)],
        unit: 'ms',
      },
      { metric: 'phone reconnect after the relay returns max', value: times[times.length - 1], unit: 'ms' },
    ];
  } finally {
    await page.close();
    await stop(agent.child);
    await stop(relay.child);
    rmSync(dir, { recursive: true, force: true });
  }
}
