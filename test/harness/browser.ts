// Debian's Chromium driven by playwright-core (no browser download). A persistent context, as an
// installed PWA would have: IndexedDB and service workers survive reloads.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { CLIENT_DIR } from '../../server/http/client-dir.js';
import type { TestAgent } from './agent.js';
import { tempDir } from './temp.js';

export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Stops a test that opens the PWA before it is built, saying what to run. */
export function requirePwaBuilt(): void {
  if (!existsSync(path.join(CLIENT_DIR, 'index.html')))
    throw new Error('the PWA is not built: run `npm run build` (npm test does)');
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(
  opts: {
    locale?: string;
    viewport?: { width: number; height: number };
    /** More command-line flags (e.g. --host-resolver-rules). */
    args?: string[];
    /** A profile to reuse (the same installed app across launches); kept on close. */
    profileDir?: string;
    /** Let the test inject its own script (axe) past the app's Content-Security-Policy. */
    bypassCSP?: boolean;
  } = {},
): Promise<Browser> {
  const profile = opts.profileDir ? { dir: opts.profileDir, remove() {} } : tempDir('lifeline-chromium-');
  const context = await chromium.launchPersistentContext(profile.dir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, ...(opts.args ?? [])],
    viewport: opts.viewport ?? { width: 390, height: 844 },
    locale: opts.locale ?? 'en-US',
    deviceScaleFactor: 1,
    ...(opts.bypassCSP ? { bypassCSP: true } : {}),
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      profile.remove();
    },
  };
}

/** Answers the guard's confirm sheet the way a person does: hold the button, or type the name. */
/** Pairs the page with the agent as a phone would (a fresh link on the agent's own address) and waits for the app. */
export async function pairPage(page: Page, t: TestAgent): Promise<void> {
  const { link } = t.agent.pairing.link(t.url, t.agent.homeId, null);
  await page.goto(link);
  await page.getByRole('button', { name: 'Pair' }).click();
  await page.getByTestId('agent-version').waitFor({ timeout: 20_000 });
}

export async function confirmInSheet(page: Page, opts: { typeName?: string } = {}): Promise<void> {
  const sheet = page.locator('dialog.sheet[open]');
  await sheet.waitFor({ state: 'visible' });
  if (opts.typeName !== undefined) {
    await sheet.getByRole('textbox').fill(opts.typeName);
    await sheet.getByRole('button', { name: 'Confirm' }).click();
    return;
  }
  const hold = sheet.getByRole('button', { name: 'Hold to confirm' });
  await hold.hover();
  await page.mouse.down();
  await page.waitForTimeout(1300);
  await page.mouse.up();
  await sheet.waitFor({ state: 'hidden' });
}
