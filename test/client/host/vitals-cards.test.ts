// Home in real Chromium at 390×844 as the owner sees it: the host card with its vitals; under memory
// pressure (a fake /proc: pressure cannot be made on demand; the containers' cgroups are the real
// ones, linked in) the card comes first with the alert in words and the containers using the most,
// each with its fixes (a lifeline offers only restart); "Limit to …" goes through the guard's
// confirm sheet and the limit is what the engine and the kernel then report. During a power cut (a real upsd, dummy-ups)
// the UPS card comes first, on battery since when, and goes back below once the power returns.
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../../harness/agent.js';
import { type Browser, confirmInSheet, launchBrowser, requirePwaBuilt } from '../../harness/browser.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../harness/dockerd.js';
import { type FakeHost, fakeHost, meminfoFile, pressureFile } from '../../harness/fake-host.js';
import { startUpsd, type Upsd } from '../../harness/upsd.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const SHOTS = process.env.LIFELINE_SHOTS ?? '';
let t: TestAgent;
let b: Browser;
let d: TestDockerd;
let host: FakeHost;
let upsd: Upsd;
const ONLINE = {
  'ups.status': 'OL',
  'battery.charge': 100,
  'battery.runtime': 1380,
  'ups.load': 23,
  'input.voltage': 230,
};

// 1 MB more every 0.15 s, up to about 46 MB, then it holds.
const GROW =
  's=$(head -c 1048576 /dev/zero | tr "\\0" a); i=0; while [ $i -lt 46 ]; do eval "v$i=\\$s"; i=$((i+1)); sleep 0.15; done; while true; do sleep 3600; done';

async function shot(name: string) {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await b.page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** The first card under Home's problems summary (which always comes first). */
const firstCard = () =>
  b.page.evaluate(
    () =>
      document
        .querySelector('main.screen section.card:not([data-testid="problems"])')
        ?.getAttribute('data-testid') ?? null,
  );
/** The problems summary's lines, in order. */
const problems = () =>
  b.page.evaluate(() =>
    [...document.querySelectorAll('[data-testid="problems"] li')].map((li) => li.textContent ?? ''),
  );

beforeAll(async () => {
  requirePwaBuilt();
  [d, upsd] = await Promise.all([
    startDockerd(),
    startUpsd({
      upses: [{ name: 'rack', values: { 'ups.mfr': 'APC', 'ups.model': 'Back-UPS 700', ...ONLINE } }],
    }),
  ]);
  for (const name of ['langfuse', 'tunnel'])
    await d.cmd(`run -d --init --network none --name ${name}`, TEST_IMAGE, 'sleep', '100000');
  host = fakeHost({
    '/proc/meminfo': meminfoFile({
      total: 16 * GiB,
      available: 4 * GiB,
      swapTotal: 2 * GiB,
      swapFree: 2 * GiB,
    }),
    '/proc/pressure/memory': pressureFile(0),
  });
  mkdirSync(path.join(host.root, 'sys/fs'), { recursive: true });
  symlinkSync('/sys/fs/cgroup', path.join(host.root, 'sys/fs/cgroup'));
  t = await startTestAgent({
    yaml: [
      'home: { name: Vitals home }',
      'listen: { host: 127.0.0.1, port: 0 }',
      'host:',
      `  root: ${host.root}`,
      '  intervalSeconds: 1',
      '  memoryPressure: { forSeconds: 2, clearSeconds: 2 }',
      'containers:',
      '  - id: test',
      `    socket: ${d.socket}`,
      '    lifeline: [tunnel]',
      '    usage: { intervalSeconds: 1 }',
      'ups:',
      '  - id: rack',
      '    label: Rack UPS',
      `    address: "${upsd.address}"`,
      '    name: rack',
      '    pollSeconds: 1',
      '    onBattery: { runtimeBelowMinutes: 5, stop: [langfuse] }',
      '',
    ].join('\n'),
    hostBootAt: Date.now() - 24 * 3600_000,
  });
  b = await launchBrowser();
  const { link } = t.agent.pairing.link(t.url, t.agent.homeId, null);
  await b.page.goto(link);
  await b.page.getByLabel('Name for this device').fill('Vitals phone');
  await b.page.getByRole('button', { name: 'Pair' }).click();
}, 180_000);

afterAll(async () => {
  await b?.close();
  await t?.close();
  await Promise.all([d?.close(), upsd?.close()]);
  host?.close();
});

describe('Home: host and UPS', () => {
  it('shows the host vitals and the UPS on mains, below the agent while all is well', async () => {
    const card = b.page.getByTestId('host-card');
    await expect.poll(() => card.textContent(), { timeout: 20_000 }).toContain('Memory free');
    expect(await card.textContent()).toContain('4 GB');
    const ups = b.page.getByTestId('ups-card');
    await expect
      .poll(() => ups.getByTestId('ups-rack-status').textContent(), { timeout: 20_000 })
      .toBe('On mains');
    expect(await ups.textContent()).toContain('23 min');
    expect(await firstCard()).toBeNull();
    await b.page.getByTestId('host-card').locator('summary').click();
    await expect.poll(() => card.getByTestId('consumer-test/langfuse').count(), { timeout: 20_000 }).toBe(1);
    await shot('home-calm');
  });

  it('puts the host first under memory pressure, with the alert in words and the fixes of the top consumers', async () => {
    await d.cmd('run -d --network none --name clickhouse', TEST_IMAGE, 'sh', '-c', GROW);
    await new Promise((r) => setTimeout(r, 5000));
    host.write('/proc/pressure/memory', pressureFile(35, 15));
    const alert = b.page.locator('.host-alert');
    await expect.poll(() => alert.count(), { timeout: 20_000 }).toBe(1);
    expect(await alert.textContent()).toMatch(/memory pressure high for \d+ s/);
    expect(await alert.textContent()).toMatch(
      /clickhouse uses \d+(\.\d)? MB and grew \d+(\.\d)? MB in \d+ s/,
    );
    expect(await firstCard()).toBe('host-card');
    // And Home's summary says so too.
    expect((await problems()).some((p) => /memory pressure high/.test(p))).toBe(true);
    const ch1 = b.page.getByTestId('consumer-test/clickhouse');
    expect(await ch1.getByRole('button').allTextContents()).toEqual(['Limit to 64 MB', 'Restart', 'Stop']);
    // A lifeline: restart only.
    expect(await b.page.getByTestId('consumer-test/tunnel').getByRole('button').allTextContents()).toEqual([
      'Restart',
    ]);
    await shot('home-pressure');
  });

  it('limits a runaway through the confirm sheet, and the engine reports the limit', async () => {
    const ch = b.page.getByTestId('consumer-test/clickhouse');
    const button = ch.getByRole('button', { name: /^Limit to / });
    const label = (await button.textContent())!;
    await button.click();
    const sheet = b.page.locator('dialog.sheet[open]');
    await sheet.waitFor({ state: 'visible' });
    expect(await sheet.textContent()).toContain(
      `Limit clickhouse to ${label.replace('Limit to ', '')} of memory`,
    );
    await shot('limit-confirm');
    await confirmInSheet(b.page);
    await expect.poll(() => ch.textContent(), { timeout: 20_000 }).toContain('clickhouse limited to');
    const inspect = JSON.parse(await d.cmd('inspect', 'clickhouse'))[0];
    expect(inspect.HostConfig.Memory).toBe(64 * MiB);
    expect(inspect.State.Running).toBe(true);
  });

  it('puts the UPS first during a power cut, on battery since when, and back below when the power returns', async () => {
    host.write('/proc/pressure/memory', pressureFile(0));
    await upsd.set('rack', { 'ups.status': 'OB DISCHRG', 'battery.charge': 76, 'battery.runtime': 1020 });
    const ups = b.page.getByTestId('ups-card');
    await expect
      .poll(() => ups.getByTestId('ups-rack-status').textContent(), { timeout: 20_000 })
      .toBe('On battery');
    expect(await firstCard()).toBe('ups-card');
    // The power cut heads Home's summary, whatever else is wrong.
    expect((await problems())[0]).toMatch(/is on battery: the power is out.*About 17 min left/);
    expect(await ups.getByTestId('ups-rack-since').textContent()).toMatch(/^since \d{1,2}:\d\d/);
    expect(await ups.textContent()).toContain('17 min');
    expect(await ups.textContent()).toContain('stops langfuse');
    await shot('home-outage');
    await upsd.set('rack', ONLINE);
    await expect
      .poll(() => ups.getByTestId('ups-rack-status').textContent(), { timeout: 20_000 })
      .toBe('On mains');
    await expect.poll(() => firstCard(), { timeout: 20_000 }).not.toBe('ups-card');
    expect(await ups.textContent()).toContain('Last outage');
  });
});
