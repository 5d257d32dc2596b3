// The Containers screen in real Chromium, against a real agent and a real Docker engine: the DDNS
// container of the first outage shows exit 127 with Docker's error, and is restarted from the
// phone through the confirm sheet once its folder is there.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../../shared/protocol/vocabulary.js';
import { startTestAgent, type TestAgent, waitFor } from '../../harness/agent.js';
import { type Browser, confirmInSheet, launchBrowser, requirePwaBuilt } from '../../harness/browser.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../harness/dockerd.js';

let d: TestDockerd;
let t: TestAgent;
let b: Browser;
const ddns = () => t.agent.state.get('containers', 'nas/ddns') as ContainerInfo | undefined;

beforeAll(async () => {
  requirePwaBuilt();
  d = await startDockerd();
  const dir = path.join(d.scratch, 'ddns');
  mkdirSync(dir);
  await d.cmd(
    'create --name ddns --network none --label com.docker.compose.project=edge -v',
    `${dir}:/app`,
    TEST_IMAGE,
    '/app/run.sh',
  );
  await d.docker(['start', 'ddns']);
  await d.cmd(
    'run -d --init --name tunnel --network none --label com.docker.compose.project=edge',
    TEST_IMAGE,
    'sleep',
    '100000',
  );
  t = await startTestAgent({
    yaml: [
      'home: { name: Test home }',
      'listen: { host: 127.0.0.1, port: 0 }',
      'docker:',
      '  - id: nas',
      '    name: NAS',
      `    socket: ${d.socket}`,
      '    watch: [ddns]',
      '    lifeline: [tunnel]',
      '',
    ].join('\n'),
  });
  await waitFor(() => ddns()?.exitCode === 127, 20_000, 'ddns at exit 127');
  b = await launchBrowser();
  const { link } = t.agent.pairing.link(t.url, t.agent.homeId, null);
  await b.page.goto(link);
  await b.page.getByLabel('Name for this device').fill('Test phone');
  await b.page.getByRole('button', { name: 'Pair' }).click();
  await waitFor(
    async () => (await b.page.getByRole('status').first().textContent())?.includes('Connected'),
    15_000,
    'the PWA connected',
  );
});

afterAll(async () => {
  await b?.close();
  await t?.close();
  await d?.close();
});

describe('Containers screen', () => {
  it('shows the 127 container with its exit code and Docker’s error, grouped under its engine and project', async () => {
    const { page } = b;
    await page.getByRole('link', { name: 'Containers' }).click();
    const engine = page.getByTestId('engine-nas');
    await expect.poll(() => engine.getByRole('heading', { level: 2 }).textContent()).toContain('NAS');
    expect(await engine.textContent()).toContain('Reachable');
    expect(await engine.getByRole('heading', { level: 3 }).first().textContent()).toBe('edge');
    const row = page.getByTestId('container-nas-ddns');
    await expect
      .poll(() => row.getByTestId('exit-badge').textContent(), { timeout: 15_000 })
      .toBe('exit 127');
    expect(await row.getByTestId('error').textContent()).toContain('no such file or directory');
    expect(await page.getByTestId('container-nas-tunnel').textContent()).toContain('Lifeline');
  });

  it('shows its mounts and names the likely cause: the folder mounted at /app is empty', async () => {
    const { page } = b;
    await page.goto(`${t.url}/#/containers/nas/ddns`);
    const cause = page.getByTestId('cause');
    await expect
      .poll(() => cause.textContent(), { timeout: 15_000 })
      .toBe(
        '/app/run.sh was not found: the folder mounted at /app is empty. Is the drive or share behind ' +
          `${path.join(d.scratch, 'ddns')} mounted?`,
      );
    expect(await page.getByTestId('mounts').locator('li').getAttribute('data-seen')).toBe('empty');
    await page.goto(`${t.url}/#/containers`);
  });

  it('restarts it through the confirm sheet once its folder is ready, and shows it running', async () => {
    const { page } = b;
    const dir = path.join(d.scratch, 'ddns');
    writeFileSync(
      path.join(dir, 'run.sh'),
      // More lines than the log box shows: the newest, last, must be what the owner sees first.
      '#!/bin/sh\ni=0\nwhile [ $i -lt 120 ]; do echo "ddns: checking $i"; i=$((i+1)); done\necho "ddns: home.example.com updated"\nexec sleep 100000\n',
    );
    chmodSync(path.join(dir, 'run.sh'), 0o755);
    const row = page.getByTestId('container-nas-ddns');
    await row.getByRole('button', { name: 'Restart' }).click();
    const sheet = page.locator('dialog.sheet[open]');
    await expect.poll(() => sheet.getByRole('heading').textContent()).toBe('Restart ddns');
    expect(await sheet.textContent()).toContain('ddns is not running');
    await confirmInSheet(page);
    await expect.poll(() => row.getByTestId('state').textContent(), { timeout: 20_000 }).toBe('Running');
    expect(await row.getByTestId('exit-badge').count()).toBe(0);
    expect(ddns()?.state).toBe('running');
  });

  it('opens the container with its facts and its logs', async () => {
    const { page } = b;
    await page.getByTestId('container-nas-ddns').getByRole('link').click();
    await expect.poll(() => page.getByTestId('detail-state').textContent()).toContain('Running');
    await expect
      .poll(() => page.getByTestId('logs').textContent(), { timeout: 15_000 })
      .toContain('home.example.com updated');
    expect(page.url()).toContain('#/containers/nas/ddns');
    // Opened at the newest line, not 120 lines above it.
    const box = page.getByTestId('logs');
    const at = await box.evaluate((el) => ({
      overflows: el.scrollHeight > el.clientHeight,
      fromBottom: el.scrollHeight - el.clientHeight - el.scrollTop,
    }));
    expect(at.overflows).toBe(true);
    expect(at.fromBottom).toBeLessThan(2);
  });

  it('tells why a lifeline cannot be stopped', async () => {
    const { page } = b;
    await page.goto(`${t.url}/#/containers/nas/tunnel`);
    // Disabled up front, with the reason beside it: no tap that the guard would refuse afterwards.
    const stop = page.getByRole('button', { name: 'Stop' });
    await stop.waitFor();
    expect(await stop.isDisabled()).toBe(true);
    expect(await page.locator('#stop-locked').textContent()).toContain('tunnel is a lifeline');
    await stop.click({ force: true });
    expect(await page.locator('dialog.sheet[open]').count()).toBe(0);
  });
  it('lists a watched container stopped on purpose as stopped, not as something wrong on Home', async () => {
    const { page } = b;
    await page.goto(`${t.url}/#/containers/nas/ddns`);
    await expect.poll(() => page.getByTestId('detail-state').textContent()).toContain('Running');
    await page.getByRole('button', { name: 'Stop' }).click();
    await confirmInSheet(page);
    // Its shell ignores SIGTERM, so Docker waits its 10 s: the screen says what is under way.
    await expect
      .poll(() =>
        page
          .getByTestId('working')
          .textContent({ timeout: 1000 })
          .catch(() => null),
      )
      .toBe('Stopping ddns…');
    await page.getByTestId('working').waitFor({ state: 'detached', timeout: 30_000 });
    const ddns = () =>
      t.agent.state.list('containers').find((e) => e.id === 'nas/ddns')?.data as
        | { state: string; stoppedOnPurposeAt?: number | null }
        | undefined;
    await waitFor(
      () => ddns()?.state === 'exited' && typeof ddns()?.stoppedOnPurposeAt === 'number',
      30_000,
      'ddns stopped, on purpose',
    );
    await page.goto(`${t.url}/#/home`);
    await page.getByTestId('problems').waitFor();
    await page.waitForTimeout(1000);
    expect(await page.locator('[data-testid^="problem-containers:nas/ddns"]').count()).toBe(0);
  });
});
