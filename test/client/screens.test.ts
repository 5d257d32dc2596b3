// Every screen at 390×844 in English, simplified and traditional Chinese: a screenshot kept as a
// test artifact, no untranslated text, and no serious accessibility violations (axe-core).
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../harness/agent.js';
import { type Browser, launchBrowser, pairPage } from '../harness/browser.js';
import { type ShellyGen1Sim, startShellyGen1 } from '../simulators/shelly-gen1.js';
import { type ShellyGen2Sim, startShellyGen2 } from '../simulators/shelly-gen2.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/screens/', import.meta.url));
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LANGS = ['en', 'zh-Hans', 'zh-Hant'] as const;

let t: TestAgent;
let b: Browser;
let cabinet: ShellyGen2Sim;
let lamp: ShellyGen1Sim;

beforeAll(async () => {
  // A home with something on every screen, including things that are down (their reasons show).
  cabinet = await startShellyGen2({ cabinet: true, watts: 41.5 });
  lamp = await startShellyGen1({ watts: 7 });
  const config = {
    home: { name: 'Test home' },
    listen: { host: '127.0.0.1', port: 0 },
    machines: [
      { id: 'pc', name: 'Desk PC', mac: 'a8:a1:59:12:34:56', address: '10.255.255.1', probe: { tcp: 3389 } },
      { id: 'vm', name: 'Old VM', mac: '52:54:00:00:00:07', address: '10.255.255.2', probe: { tcp: 22 } },
    ],
    containers: [
      { id: 'nas', socket: '/nonexistent/docker.sock', watch: ['ddns'], lifeline: ['cloudflared'] },
    ],
    power: [
      {
        id: 'cabinet',
        name: 'Network cabinet',
        driver: 'shelly-gen2',
        address: cabinet.address,
        lifeline: true,
        powers: ['router', 'nas'],
      },
      { id: 'lamp', name: 'Desk lamp', driver: 'shelly-gen1', address: lamp.address },
      { id: 'gone', name: 'Garage heater', driver: 'shelly-gen1', address: '127.0.0.1:9', timeoutSeconds: 1 },
    ],
    network: {
      names: ['home.example.test'],
      resolvers: ['127.0.0.1:9'],
      publicIp: { echo: ['https://127.0.0.1:9/'], router: false, relay: false },
    },
  };
  t = await startTestAgent({ yaml: JSON.stringify(config) });
  // axe is injected as an inline script, which the app's CSP rightly refuses.
  b = await launchBrowser({ viewport: { width: 390, height: 844 }, bypassCSP: true });
  await pairPage(b.page, t);
  t.agent.events.append({
    kind: 'agent.started-after-boot',
    severity: 'warning',
    message: 'The agent started after the host rebooted',
  });
});

afterAll(async () => {
  await b?.close();
  await t?.close();
  await cabinet?.close();
  await lamp?.close();
});

/** The screens reachable from the bottom navigation, plus Settings. */
async function screenIds(page: Page): Promise<string[]> {
  const hrefs = await page
    .locator('nav.bottom-nav a')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
  return [...hrefs.map((h) => h.replace('#/', '')), 'settings'];
}

/** Visible text that is not data (names, versions, the agent's own English details). */
async function uiText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('[translate="no"], script, style, noscript, .sr-only-data')) continue;
      if (!el.checkVisibility?.()) continue;
      const text = n.textContent?.trim();
      if (text) out.push(text);
    }
    for (const el of document.querySelectorAll<HTMLElement>('[aria-label], [placeholder], [title]'))
      for (const attr of ['aria-label', 'placeholder', 'title']) {
        const v = el.getAttribute(attr);
        if (v && !el.closest('[translate="no"]')) out.push(v);
      }
    return out;
  });
}

/** English words in running text: two or more Latin words of three letters or more. */
const ENGLISH = /[A-Za-z]{3,}[\s,'’]+[A-Za-z]{3,}/;
const ALLOWED = [
  /^Lifeline$/,
  /Wake-on-LAN/,
  /^(IP|DNS|DDNS|IPv4|IPv6|Docker|ntfy|Bark|Telegram|iOS|iPhone|iPad|HTTPS|QR)$/,
];

describe('every screen in every language', () => {
  for (const lang of LANGS) {
    it(`${lang}: renders, is translated, and is accessible`, async () => {
      const { page } = b;
      await page.evaluate((l) => localStorage.setItem('lifeline.lang', l), lang);
      await page.goto(`${t.url}/#/home`);
      await page.reload();
      await page.getByTestId('agent-version').waitFor({ timeout: 20_000 });
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(lang);
      mkdirSync(path.join(ARTIFACTS, lang), { recursive: true });
      const problems: string[] = [];
      for (const id of await screenIds(page)) {
        await page.goto(`${t.url}/#/${id}`);
        await page.waitForTimeout(1500);
        await page.screenshot({ path: path.join(ARTIFACTS, lang, `${id}.png`), fullPage: true });
        if (lang !== 'en')
          for (const text of await uiText(page))
            if (ENGLISH.test(text) && !ALLOWED.some((a) => a.test(text)))
              problems.push(`${id}: untranslated "${text}"`);
        await page.addScriptTag({ content: AXE });
        const violations = await page.evaluate(async () => {
          // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global
          const r = await (window as any).axe.run(document, { resultTypes: ['violations'] });
          return (r.violations as { id: string; impact: string; nodes: { target: string[] }[] }[])
            .filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        });
        for (const v of violations) problems.push(`${id}: ${v}`);
      }
      expect(problems).toEqual([]);
    });
  }

  it('the pairing screen too, before any pairing', async () => {
    const fresh = await launchBrowser({ viewport: { width: 390, height: 844 }, locale: 'zh-TW' });
    try {
      await fresh.page.goto(t.url);
      await fresh.page.getByRole('heading', { level: 1 }).waitFor();
      expect(await fresh.page.getByRole('heading', { level: 1 }).textContent()).toBe('配對此裝置');
      mkdirSync(path.join(ARTIFACTS, 'zh-Hant'), { recursive: true });
      await fresh.page.screenshot({ path: path.join(ARTIFACTS, 'zh-Hant', 'pair.png') });
      const english = (await uiText(fresh.page)).filter(
        (x) => ENGLISH.test(x) && !ALLOWED.some((a) => a.test(x)),
      );
      expect(english).toEqual([]);
    } finally {
      await fresh.close();
    }
  });
});
