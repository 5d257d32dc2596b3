// The Machines screen in real Chromium, against the real agent in a network-namespace lab: who is
// up, the MAC warnings, and Wake with live progress announced to screen readers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../harness/agent.js';
import { type Browser, launchBrowser, requirePwaBuilt } from '../../harness/browser.js';
import { createLab, type Lab } from '../../harness/netns.js';
import {
  type NetnsAgent,
  type SimulatedMachine,
  startMachine,
  startNetnsAgent,
} from '../../harness/netns-agent.js';

const DESK_MAC = 'a8:a1:59:00:02:01';
let lab: Lab;
let agent: NetnsAgent;
let desk: SimulatedMachine;
let b: Browser;

beforeAll(async () => {
  requirePwaBuilt();
  lab = createLab();
  desk = await startMachine(lab, { mac: DESK_MAC, tcp: 3389, bootSeconds: 2 });
  agent = await startNetnsAgent(
    lab,
    `machines:
  - { id: desk, name: Desk PC, mac: "${DESK_MAC}", address: ${desk.ip}, probe: { tcp: 3389 }, probeIntervalSeconds: 5 }
  - { id: vm, name: Old VM, mac: "52:54:00:00:00:07", address: ${lab.net}.99, probe: { tcp: 22 }, wakeTimeoutSeconds: 5 }
`,
  );
  b = await launchBrowser();
  await b.page.goto(await agent.pairingLink());
  await b.page.getByLabel('Name for this device').fill('Test phone');
  await b.page.getByRole('button', { name: 'Pair' }).click();
  await waitFor(
    async () => (await b.page.getByRole('status').textContent())?.includes('Connected'),
    20_000,
    'paired',
  );
}, 120_000);

afterAll(async () => {
  await b?.close();
  await agent?.close();
  await lab?.close();
});

describe('Machines screen', () => {
  it('shows each machine, whether it is up, and flags a virtual-NIC MAC', async () => {
    const { page } = b;
    await page.getByRole('link', { name: 'Machines' }).click();
    const desktop = page.getByTestId('host-desk');
    await expect
      .poll(() => desktop.getByTestId('host-state').textContent(), { timeout: 20_000 })
      .toBe('Asleep or off');
    expect(await desktop.textContent()).toContain(DESK_MAC);
    expect(await desktop.textContent()).toContain('Not seen yet');
    const vm = page.getByTestId('host-vm');
    const warnings = vm.getByRole('list', { name: 'Warnings for Old VM' });
    expect(await warnings.textContent()).toContain(
      '52:54:00:00:00:07 belongs to a QEMU/KVM virtual network card',
    );
  });

  it('a notification link (#/machines/<host>) opens at the machine with Wake focused', async () => {
    const { page } = b;
    await page.goto(page.url().replace(/#.*$/, '#/machines/vm'));
    await expect
      .poll(() =>
        page.evaluate(() => document.activeElement?.closest('li.machine')?.getAttribute('data-testid')),
      )
      .toBe('host-vm');
    expect(await page.getByTestId('host-vm').getAttribute('class')).toContain('focused');
    await page.goto(page.url().replace(/#.*$/, '#/machines'));
  });

  it('wakes a machine and announces the progress until it is up', async () => {
    const { page } = b;
    const desktop = page.getByTestId('host-desk');
    const live = desktop.getByTestId('wake-progress');
    expect(await live.getAttribute('aria-live')).toBe('polite');
    await desktop.getByRole('button', { name: 'Wake' }).click();
    await expect
      .poll(() => live.textContent(), { timeout: 10_000 })
      .toMatch(
        new RegExp(
          `Magic packet sent to ${lab.broadcast.replaceAll('.', '\\.')} \\(br0\\)|Waiting for an answer`,
        ),
      );
    await expect
      .poll(() => desktop.getByTestId('wake-elapsed').textContent(), { timeout: 10_000 })
      .toMatch(/^\d+ s of 120 s$/);
    await expect.poll(() => live.textContent(), { timeout: 30_000 }).toMatch(/Up after \d+ s/);
    await expect.poll(() => desktop.getByTestId('host-state').textContent()).toBe('Up');
    expect(await desktop.textContent()).toMatch(/Up since/);
    expect(await live.textContent()).toContain('by Test phone');
  });

  it('says when nothing answered, with the likely causes first', async () => {
    const { page } = b;
    const vm = page.getByTestId('host-vm');
    await vm.getByRole('button', { name: 'Wake' }).click();
    await expect.poll(() => vm.getByRole('button', { name: 'Waking…' }).count(), { timeout: 5000 }).toBe(1);
    const live = vm.getByTestId('wake-progress');
    await expect.poll(() => live.textContent(), { timeout: 30_000 }).toMatch(/No answer after \d+ s/);
    const causes = vm.locator('details.causes li');
    expect(await causes.first().textContent()).toContain('QEMU/KVM virtual network card');
    expect(await causes.last().textContent()).toContain('ethtool -s <interface> wol g');
    expect(await vm.getByRole('alert').count()).toBe(0);
  });
});
