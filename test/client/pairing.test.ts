// The PWA in real Chromium: open the pairing link, pair, see the status screen; reload, still paired.
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

describe('PWA pairing and status', () => {
  it('pairs from the link, shows the agent facts, and stays paired after a reload', async () => {
    const { link } = t.agent.pairing.link(t.url, t.agent.homeId, null);
    const { page } = b;
    await page.goto(link);
    await page.getByLabel('Name for this device').fill('Test phone');
    await page.getByRole('button', { name: 'Pair' }).click();
    await expect
      .poll(() => page.getByTestId('agent-version').textContent(), { timeout: 15_000 })
      .toMatch(/^\d+\.\d+\.\d+/);
    await expect.poll(() => page.getByTestId('conn-path').textContent()).toBe('Direct');
    expect(await page.getByRole('status').textContent()).toContain('Connected');

    // Presence is published at most once a second (devices.ts).
    await expect
      .poll(() => t.agent.state.list('devices').map((d) => (d.data as { name: string }).name))
      .toEqual(['Test phone']);

    // The pairing code is single use: the URL no longer carries it after pairing.
    expect(page.url()).not.toContain('/pair/');

    await page.reload();
    await expect
      .poll(() => page.getByTestId('agent-version').textContent(), { timeout: 15_000 })
      .toMatch(/^\d+\.\d+\.\d+/);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Connected');
    expect(t.agent.state.list('devices')).toHaveLength(1);
  });

  it('keeps the device key non-extractable in IndexedDB', async () => {
    const extractable = await b.page.evaluate(
      () =>
        new Promise<boolean>((resolve, reject) => {
          const req = indexedDB.open('lifeline');
          req.onsuccess = () => {
            const get = req.result.transaction('keys').objectStore('keys').get('device');
            get.onsuccess = () => resolve((get.result as CryptoKeyPair).privateKey.extractable);
            get.onerror = () => reject(get.error);
          };
          req.onerror = () => reject(req.error);
        }),
    );
    expect(extractable).toBe(false);
  });

  it('revokes a device only after its name is typed, and makes a pairing link only after the home name is', async () => {
    const other = (await import('../harness/agent.js')).pairDevice(t, 'old tablet');
    const { client } = await other;
    await b.page.goto(`${t.url}/#/settings`);
    const row = b.page.locator('li.item', { hasText: 'old tablet' });
    await row.getByRole('button', { name: 'Revoke' }).click();
    const sheet = b.page.locator('dialog.sheet[open]');
    await expect.poll(() => sheet.getByRole('heading').textContent()).toBe('Revoke old tablet');
    const confirm = sheet.getByRole('button', { name: 'Confirm' });
    expect(await confirm.isDisabled()).toBe(true); // a tap does nothing until the name is typed
    await sheet.getByRole('textbox').fill('old tab');
    expect(await confirm.isDisabled()).toBe(true);
    expect(t.agent.state.list('devices')).toHaveLength(2);
    await confirmInSheet(b.page, { typeName: 'old tablet' });
    await waitFor(() => t.agent.state.list('devices').length === 1, 10_000, 'revocation');
    await expect.poll(() => row.count()).toBe(0);
    // The agent closes the revoked device's session right after its reply: it arrives a moment later.
    await expect.poll(() => client.closed, { timeout: 5_000 }).toBe(true);

    await b.page.getByRole('button', { name: 'Add a device' }).click();
    await expect.poll(() => sheet.getByRole('heading').textContent()).toBe('Add a device');
    await confirmInSheet(b.page, { typeName: t.agent.context.config.home.name });
    await expect
      .poll(() => b.page.getByLabel('Pairing link').inputValue(), { timeout: 10_000 })
      .toContain('/pair/');
    await b.page.goto(`${t.url}/#/home`);
  });

  it('shows the last known state with its age when home is unreachable', async () => {
    // From the home screen, whatever the test before left open.
    await b.page.goto(`${t.url}/#/home`);
    await expect.poll(() => b.page.getByTestId('agent-version').count(), { timeout: 10_000 }).toBe(1);
    // Home goes dark: the agent stops, every connection drops, nothing answers.
    await t.stop();
    await expect
      .poll(() => b.page.getByRole('status').textContent(), { timeout: 15_000 })
      .toContain('Home unreachable');
    expect(await b.page.getByTestId('agent-version').textContent()).toMatch(/^\d+\.\d+\.\d+/);
    expect(await b.page.getByTestId('data-age').textContent()).toMatch(/As of .*(just now|s ago)/);
    await t.restart();
    await waitFor(
      async () => (await b.page.getByRole('status').textContent())?.includes('Connected'),
      40_000,
      'reconnect',
    );
  });
});
