// Home on the worst day of the first post-mortem, in real Chromium at 390×844 against a real agent,
// a real Docker engine and a Shelly simulator: the `bots` container dead with exit 127 (its bind-
// mounted folder was empty), the lifeline cabinet plug off, a sleeping PC. Home opens on what is
// wrong — most serious first, each with its one tap — and each fix goes through the guard.
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_DIR } from '../../../server/http/client-dir.js';
import type { ContainerInfo } from '../../../shared/protocol/vocabulary.js';
import { startTestAgent, type TestAgent, waitFor } from '../../harness/agent.js';
import { type Browser, launchBrowser } from '../../harness/browser.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../harness/dockerd.js';
import { type ShellyGen2Sim, startShellyGen2 } from '../../simulators/shelly-gen2.js';

const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/screens/', import.meta.url));
const LANGS = ['en', 'zh-Hans', 'zh-Hant'] as const;

let d: TestDockerd;
let t: TestAgent;
let b: Browser;
let cabinet: ShellyGen2Sim;
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
  if (!existsSync(path.join(CLIENT_DIR, 'index.html')))
    throw new Error('the PWA is not built: run `npm run build` (npm test does)');
  d = await startDockerd();
  const dir = path.join(d.scratch, 'bots');
  mkdirSync(dir);
  await d.cmd('create --name bots --network none -v', `${dir}:/app`, TEST_IMAGE, '/app/run.sh');
  await d.docker(['start', 'bots']).catch(() => {});
  cabinet = await startShellyGen2({ watts: 41.5, on: false });
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
          // A discard-prefix address (RFC 6666): nothing answers, as from a sleeping PC.
          address: '100::1',
          probe: { tcp: 3389 },
          wakeTimeoutSeconds: 5,
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

    // Wake sends the magic packet; this PC never answers, and Home says so in the row.
    const pc = page.getByTestId('problem-machines:pc:offline');
    await pc.getByRole('button', { name: 'Wake' }).click();
    await expect
      .poll(() => pc.getByRole('alert').textContent(), { timeout: 20_000 })
      .toContain('Desk PC did not answer');
    expect(await page.getByTestId('problems').getByRole('heading').textContent()).toBe('1 thing is wrong');
  });

  it('all clear shows as such once nothing is wrong', async () => {
    const { page } = b;
    // The PC is the last problem: remove it from the view the way a config change would.
    t.agent.state.remove('machines', 'pc');
    await expect
      .poll(() => page.getByTestId('problems').getByRole('heading').textContent(), { timeout: 15_000 })
      .toBe('✓ All clear');
    await shoot(page, 'all-clear');
  });
});
