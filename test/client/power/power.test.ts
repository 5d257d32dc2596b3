// The Power screen in real Chromium against a real agent and simulated plugs: the lifeline
// plug's "off" cannot be triggered by any click sequence, its power-cycle goes through the typed
// confirmation, and an ordinary "off" needs the hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../harness/agent.js';
import { type Browser, confirmInSheet, launchBrowser, requirePwaBuilt } from '../../harness/browser.js';
import { freePort } from '../../harness/cli.js';
import { plugOf, startPlugAgent } from '../../server/agent/power/plug-agent.js';
import { type ShellyGen1Sim, startShellyGen1 } from '../../simulators/shelly-gen1.js';
import { type ShellyGen2Sim, startShellyGen2 } from '../../simulators/shelly-gen2.js';

let cabinet: ShellyGen2Sim;
let lamp: ShellyGen1Sim;
let env: Awaited<ReturnType<typeof startPlugAgent>>;
let b: Browser;

beforeAll(async () => {
  requirePwaBuilt();
  cabinet = await startShellyGen2({ cabinet: true, watts: 41.5 });
  lamp = await startShellyGen1({ watts: 7 });
  env = await startPlugAgent([
    {
      id: 'cabinet',
      name: 'Network cabinet',
      driver: 'shelly-gen2',
      address: cabinet.address,
      lifeline: true,
      powers: ['router', 'nas'],
      cycleSeconds: 5,
    },
    { id: 'lamp', name: 'Desk lamp', driver: 'shelly-gen1', address: lamp.address },
    // Nothing listens there: a plug that is unplugged or gone from the network.
    { id: 'aquarium', name: 'Aquarium', driver: 'shelly-gen1', address: `127.0.0.1:${await freePort()}` },
  ]);
  b = await launchBrowser();
  const { link } = env.t.agent.pairing.link(env.t.url, env.t.agent.homeId, null);
  await b.page.goto(link);
  await b.page.getByLabel('Name for this device').fill('Test phone');
  await b.page.getByRole('button', { name: 'Pair' }).click();
  await waitFor(
    async () => (await b.page.getByRole('status').textContent())?.includes('Connected'),
    15_000,
    'pairing',
  );
  await b.page.goto(`${env.t.url}/#/power`);
  await waitFor(
    async () => (await b.page.getByTestId('plug-cabinet').getByTestId('plug-state').textContent()) === 'On',
    15_000,
    'the Power screen',
  );
});

afterAll(async () => {
  await b?.close();
  await env?.close();
  await cabinet?.close();
  await lamp?.close();
});

const card = (id: string) => b.page.getByTestId(`plug-${id}`);
const auditOf = (action: string, target: string) =>
  env.t.agent.db.prepare('SELECT * FROM audit WHERE action = ? AND target = ?').all(action, target);

describe('Power screen', () => {
  it('a notification link opens the screen at the plug with its action focused', async () => {
    await b.page.goto(`${env.t.url}/#/power/lamp`);
    await expect
      .poll(() => b.page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('data-testid')))
      .toBe('plug-lamp');
    expect(await card('lamp').getAttribute('class')).toContain('focused');
    await b.page.goto(`${env.t.url}/#/power`);
  });

  it('shows each plug with state and watts, the lifeline locked with its reason', async () => {
    const c = card('cabinet');
    expect(await c.getByRole('img', { name: 'Lifeline' }).count()).toBe(1);
    expect(await c.getByTestId('plug-watts').textContent()).toBe('41.5 W');
    expect(await card('lamp').getByTestId('plug-watts').textContent()).toBe('7 W');
    expect(await c.getByTestId('off-reason').textContent()).toMatch(/lifeline \(it powers router, nas\)/);
    expect(await card('lamp').getByTestId('off-reason').count()).toBe(0);
  });

  it("the lifeline plug's off cannot be triggered by any click sequence", async () => {
    const off = card('cabinet').getByRole('button', { name: 'Off' });
    expect(await off.isDisabled()).toBe(true);
    await off.click({ force: true });
    await off.dblclick({ force: true });
    await off.focus();
    await b.page.keyboard.press('Enter');
    await b.page.keyboard.press('Space');
    await off.dispatchEvent('click');
    await off.evaluate((el) => (el as HTMLButtonElement).click());
    // Even a button someone re-enabled in the page does nothing.
    await off.evaluate((el) => el.removeAttribute('disabled'));
    await off.click();
    await b.page.waitForTimeout(500);
    expect(await b.page.locator('dialog.sheet[open]').count()).toBe(0);
    expect(auditOf('power.off', 'cabinet')).toEqual([]);
    expect(cabinet.relay.offs()).toBe(0);
    expect(plugOf(env.t, 'cabinet')?.on).toBe(true);
  });

  it('switches an ordinary plug off only through the hold', async () => {
    await card('lamp').getByRole('button', { name: 'Off' }).click();
    const sheet = b.page.locator('dialog.sheet[open]');
    await expect.poll(() => sheet.getByRole('heading').textContent()).toBe('Switch off Desk lamp');
    await sheet.getByRole('button', { name: 'Hold to confirm' }).click(); // a tap does nothing
    expect(lamp.relay.on).toBe(true);
    await confirmInSheet(b.page);
    await waitFor(() => !lamp.relay.on, 10_000, 'the lamp to switch off');
    await expect.poll(() => card('lamp').getByTestId('plug-state').textContent()).toBe('Off');
    // Off draws nothing: no stale watts beside "Off".
    expect(await card('lamp').getByTestId('plug-watts').count()).toBe(0);
    await card('lamp').getByRole('button', { name: 'On' }).click();
    await waitFor(() => lamp.relay.on, 10_000, 'the lamp to switch on');
  });

  it('says what home said about a plug that does not answer, never that home is unreachable', async () => {
    await card('aquarium').getByRole('button', { name: 'On' }).click();
    const said = card('aquarium').getByTestId('plug-message');
    await said.waitFor({ timeout: 15_000 });
    const text = await said.textContent();
    expect(text).toMatch(/^Not done: .*127\.0\.0\.1:\d+/);
    expect(text).not.toContain('Home is not reachable');
    expect(await b.page.getByRole('status').textContent()).toContain('Connected');
    expect(await card('aquarium').getByTestId('plug-watts').count()).toBe(0);
  });

  it('power-cycles the lifeline plug only after its name is typed, and shows it come back', async () => {
    await card('cabinet').getByRole('button', { name: 'Power-cycle' }).click();
    const sheet = b.page.locator('dialog.sheet[open]');
    await sheet.waitFor({ state: 'visible' });
    expect(await sheet.textContent()).toContain('Powers: router, nas');
    const confirm = sheet.getByRole('button', { name: 'Confirm' });
    expect(await confirm.isDisabled()).toBe(true);
    await sheet.getByRole('textbox').fill('Network closet');
    expect(await confirm.isDisabled()).toBe(true);
    // Letter case does not count (the sheet says so).
    expect(await sheet.textContent()).toContain('Capital letters do not matter.');
    await sheet.getByRole('textbox').fill('network cabinet');
    expect(await confirm.isDisabled()).toBe(false);
    expect(cabinet.relay.offs()).toBe(0);

    await confirmInSheet(b.page, { typeName: 'Network cabinet' });
    await waitFor(() => cabinet.relay.offs() === 1, 10_000, 'the cycle to start');
    await expect
      .poll(() => card('cabinet').getByTestId('plug-state').textContent(), { timeout: 10_000 })
      .toBe('Power-cycling');
    expect(await card('cabinet').getByTestId('plug-cycle').textContent()).toMatch(/Back on at/);
    // Off for the cycle: the 41.5 W read before it is not what flows now.
    expect(await card('cabinet').getByTestId('plug-watts').count()).toBe(0);
    await expect
      .poll(() => card('cabinet').getByTestId('plug-state').textContent(), { timeout: 30_000 })
      .toBe('On');
    // The note under the card ends with the outcome, in seconds.
    await expect
      .poll(() => card('cabinet').getByTestId('plug-message').textContent(), { timeout: 10_000 })
      .toMatch(/^Network cabinet is back on after \d+ s off$/);
    expect(cabinet.relay.history.map((h) => `${h.on ? 'on' : 'off'}:${h.source}`)).toEqual([
      'off:http',
      'on:timer',
    ]);
  });
});
