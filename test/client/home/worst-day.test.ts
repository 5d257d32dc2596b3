// Home on the worst day of the first post-mortem, in real Chromium at 390×844 against a real agent,
// a real Docker engine, a Shelly simulator and a sleeping PC in a network-namespace lab (it wakes on
// a real magic packet): the `bots` container dead with exit 127 (its bind-mounted folder was empty),
// the lifeline cabinet plug off. Home opens on what is wrong — most serious first, each with its one
// tap — each fix goes through the guard, and Home ends all clear.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../../shared/protocol/vocabulary.js';
import { startTestAgent, type TestAgent, waitFor } from '../../harness/agent.js';
import { type Browser, launchBrowser, requirePwaBuilt } from '../../harness/browser.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../harness/dockerd.js';
import { createLab, type Lab } from '../../harness/netns.js';
import { type SimulatedMachine, startMachine } from '../../harness/netns-agent.js';
import { type ShellyGen2Sim, startShellyGen2 } from '../../simulators/shelly-gen2.js';

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/screens/', import.meta.url));
const LANGS = ['en', 'zh-Hans', 'zh-Hant'] as const;

let d: TestDockerd;
let t: TestAgent;
let b: Browser;
let cabinet: ShellyGen2Sim;
let lab: Lab;
let desk: SimulatedMachine;
/** The test's own end of a veth into the lab's bridge: the in-process agent reaches the LAN by it. */
const UPLINK = `lw${process.pid % 100_000}`;
const bots = () => t.agent.state.get('containers', 'nas/bots') as ContainerInfo | undefined;

async function shoot(page: Page, name: string): Promise<void> {
  for (const lang of LANGS) {
    await page.evaluate((l) => localStorage.setItem('lifeline.lang', l), lang);
    await page.reload();
    await page.getByTestId('problems').waitFor({ timeout: 20_000 });
    await page.waitForTimeout(500);
    mkdirSync(path.join(ARTIFACTS, lang), { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, lang, `home-${name}.png`), fullPage: true });
  }
  await page.evaluate(() => localStorage.setItem('lifeline.lang', 'en'));
  await page.reload();
  await page.getByTestId('problems').waitFor({ timeout: 20_000 });
}

beforeAll(async () => {
  requirePwaBuilt();
  d = await startDockerd();
  const dir = path.join(d.scratch, 'bots');
  mkdirSync(dir);
  await d.cmd('create --name bots --network none -v', `${dir}:/app`, TEST_IMAGE, '/app/run.sh');
  await d.docker(['start', 'bots']).catch(() => {});
  cabinet = await startShellyGen2({ watts: 41.5, on: false });
  lab = createLab();
  execFileSync('ip', ['link', 'add', UPLINK, 'type', 'veth', 'peer', 'name', 'up0', 'netns', lab.agentNs]);
  lab.ip(lab.agentNs, 'link', 'set', 'up0', 'master', 'br0', 'up');
  execFileSync('ip', ['addr', 'add', `${lab.net}.2/24`, 'dev', UPLINK]);
  execFileSync('ip', ['link', 'set', UPLINK, 'up']);
  desk = await startMachine(lab, { mac: 'a8:a1:59:12:34:56', tcp: 3389, bootSeconds: 2, awake: false });
  t = await startTestAgent({
    yaml: JSON.stringify({
      home: { name: 'Test home' },
      listen: { host: '127.0.0.1', port: 0 },
      containers: [{ id: 'nas', name: 'NAS', socket: d.socket, watch: ['bots'] }],
      power: [
        {
          id: 'cabinet',
          name: 'Network cabinet',
          driver: 'shelly-gen2',
          address: cabinet.address,
          lifeline: true,
          powers: ['router'],
        },
      ],
      machines: [
        {
          id: 'pc',
          name: 'Desk PC',
          mac: 'a8:a1:59:12:34:56',
          address: desk.ip,
          probe: { tcp: 3389 },
          probeIntervalSeconds: 5,
        },
      ],
    }),
  });
  await waitFor(() => bots()?.exitCode === 127, 20_000, 'bots at exit 127');
  b = await launchBrowser({ viewport: { width: 390, height: 844 } });
  const { link } = t.agent.pairing.link(t.url, t.agent.homeId, null);
  await b.page.goto(link);
  await b.page.getByLabel('Name for this device').fill('Test phone');
  await b.page.getByRole('button', { name: 'Pair' }).click();
  await b.page.getByTestId('problems').waitFor({ timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  await b?.close();
  await t?.close();
  await d?.close();
  await cabinet?.close();
  await lab?.close();
  try {
    execFileSync('ip', ['link', 'del', UPLINK], { stdio: 'ignore' });
  } catch {}
});

describe('Home on the worst day', () => {
  it('opens on what is wrong, most serious first, each with its fix, above the agent facts', async () => {
    const { page } = b;
    const problems = page.getByTestId('problems');
    await expect
      .poll(() => problems.getByRole('heading').textContent(), { timeout: 60_000 })
      .toBe('3 things are wrong');
    const rows = problems.locator('li.problem');
    const titles = await rows.locator('.problem-title').allTextContents();
    // The lifeline plug is critical, so it comes first.
    expect(titles[0]).toBe('Critical: Network cabinet is switched off');
    expect(titles).toContain('bots stopped with exit 127');
    expect(titles).toContain('Desk PC is asleep or off');
    const fix = (id: string) => page.getByTestId(`problem-${id}`).getByRole('button');
    expect(await fix('power:cabinet:off').textContent()).toBe('Turn on');
    expect(await fix('containers:nas/bots:down').textContent()).toBe('Start');
    expect(await fix('machines:pc:offline').textContent()).toBe('Wake');
    // The problems come before the agent's facts.
    const order = await page.evaluate(() => {
      const p = document.querySelector('[data-testid="problems"]');
      const v = document.querySelector('[data-testid="agent-version"]');
      return p && v ? p.compareDocumentPosition(v) & Node.DOCUMENT_POSITION_FOLLOWING : 0;
    });
    expect(order).toBeTruthy();
    await shoot(page, 'worst-day');
  });

  it('each fix is one tap through the guard, and a fixed problem leaves the list', async () => {
    const { page } = b;
    // Turning a plug on is allowed without a sheet.
    await page.getByTestId('problem-power:cabinet:off').getByRole('button', { name: 'Turn on' }).click();
    await expect
      .poll(() => page.getByTestId('problem-power:cabinet:off').count(), { timeout: 15_000 })
      .toBe(0);
    expect(cabinet.relay.on).toBe(true);

    // The folder the container needs is there now: Start it from Home.
    const dir = path.join(d.scratch, 'bots');
    writeFileSync(path.join(dir, 'run.sh'), '#!/bin/sh\nexec sleep 100000\n');
    chmodSync(path.join(dir, 'run.sh'), 0o755);
    await page.getByTestId('problem-containers:nas/bots:down').getByRole('button', { name: 'Start' }).click();
    await expect
      .poll(() => page.getByTestId('problem-containers:nas/bots:down').count(), { timeout: 20_000 })
      .toBe(0);
    expect(bots()?.state).toBe('running');

    // Wake sends a real magic packet over the lab's LAN; the PC boots and answers on its port.
    expect(await page.getByTestId('problems').getByRole('heading').textContent()).toBe('1 thing is wrong');
    await page.getByTestId('problem-machines:pc:offline').getByRole('button', { name: 'Wake' }).click();
    await expect
      .poll(() => page.getByTestId('problem-machines:pc:offline').count(), { timeout: 30_000 })
      .toBe(0);
    await desk.wokenTimes(1);
  });

  it('all clear shows as such once nothing is wrong', async () => {
    const { page } = b;
    await expect
      .poll(() => page.getByTestId('problems').getByRole('heading').textContent(), { timeout: 15_000 })
      .toBe('✓ All clear');
    await shoot(page, 'all-clear');
  });
});
