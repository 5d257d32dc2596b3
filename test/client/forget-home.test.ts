// "Forget this home" in Settings: never on one tap. With home reachable it is this phone revoked
// at home (typed, the agent's own confirmation; home stops listing it); with home unreachable the
// phone asks for the home's name before it deletes its key.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent, waitFor } from '../harness/agent.js';
import { type Browser, confirmInSheet, launchBrowser, requirePwaBuilt } from '../harness/browser.js';

let t: TestAgent;
let b: Browser;

beforeAll(async () => {
  requirePwaBuilt();
  t = await startTestAgent();
  b = await launchBrowser();
});

afterAll(async () => {
  await b?.close();
  await t?.close();
});

async function pair(page: Page, name: string): Promise<void> {
  const { link } = t.agent.pairing.link(t.url, t.agent.homeId, null);
  await page.goto(link);
  await page.getByLabel('Name for this device').fill(name);
  await page.getByRole('button', { name: 'Pair' }).click();
  await expect.poll(() => page.getByRole('status').textContent(), { timeout: 15_000 }).toContain('Connected');
}

const listed = () => t.agent.state.list('devices').map((d) => (d.data as { name: string }).name);
const sheet = () => b.page.locator('dialog.sheet[open]');
const pairScreen = () => b.page.getByRole('heading', { level: 1, name: 'Pair this device' });

describe('Forget this home', () => {
  it('with home reachable, revokes this phone at home after its name is typed', async () => {
    await pair(b.page, 'Work phone');
    await expect.poll(listed).toEqual(['Work phone']);
    await b.page.goto(`${t.url}/#/settings`);

    // A tap asks; cancelling keeps everything.
    await b.page.getByRole('button', { name: 'Forget this home' }).click();
    await expect.poll(() => sheet().getByRole('heading').textContent()).toBe('Revoke Work phone');
    await sheet().getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => sheet().count()).toBe(0);
    expect(await pairScreen().count()).toBe(0);
    expect(listed()).toEqual(['Work phone']);

    await b.page.getByRole('button', { name: 'Forget this home' }).click();
    await confirmInSheet(b.page, { typeName: 'Work phone' });
    await pairScreen().waitFor({ timeout: 15_000 });
    await waitFor(() => listed().length === 0, 10_000, 'home to stop listing the phone');
    expect(t.agent.events.list({ limit: 10, kind: 'devices.revoked' })).toHaveLength(1);
  });

  it('with home unreachable, forgets only after the home name is typed', async () => {
    await pair(b.page, 'Second phone');
    const home = t.agent.context.config.home.name;
    await t.stop();
    await b.page.goto(`${t.url}/#/settings`).catch(() => {}); // served from the precache
    await expect
      .poll(() => b.page.getByRole('status').textContent(), { timeout: 20_000 })
      .toContain('Home unreachable');

    await b.page.getByRole('button', { name: 'Forget this home' }).click();
    await expect.poll(() => sheet().getByRole('heading').textContent()).toBe(`Forget ${home} on this phone?`);
    const confirm = sheet().getByRole('button', { name: 'Confirm' });
    await sheet().getByRole('textbox').fill('not the name');
    expect(await confirm.isDisabled()).toBe(true);
    await sheet().getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => sheet().count()).toBe(0);
    expect(await pairScreen().count()).toBe(0);

    await b.page.getByRole('button', { name: 'Forget this home' }).click();
    await confirmInSheet(b.page, { typeName: home });
    await pairScreen().waitFor({ timeout: 15_000 });
    // Home heard nothing: it lists the phone until another device revokes it, as the sheet said.
    await t.restart();
    expect(listed()).toEqual(['Second phone']);
  });
});
