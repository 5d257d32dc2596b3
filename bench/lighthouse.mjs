// Lighthouse (mobile) against the built PWA served by a real agent, with Debian's Chromium.
// Budget (issue 8): performance ≥ 95, accessibility ≥ 95.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import { createAgent } from '../dist/server/agent/agent.js';
import { loadConfig } from '../dist/server/config/load.js';
import { silentLogger } from '../dist/server/log.js';

export async function lighthouseBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-lh-'));
  const file = path.join(dir, 'lifeline.yaml');
  writeFileSync(file, 'listen: { host: 127.0.0.1, port: 0 }\n');
  const agent = await createAgent({ loaded: loadConfig(file), log: silentLogger, port: 0 });
  const url = await agent.listen();
  mkdirSync(path.join(dir, 'chrome'));
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    userDataDir: path.join(dir, 'chrome'),
    chromeFlags: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const result = await lighthouse(`${url}/`, {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      formFactor: 'mobile',
      onlyCategories: ['performance', 'accessibility', 'best-practices'],
    });
    const c = result.lhr.categories;
    const audits = result.lhr.audits;
    return [
      {
        metric: 'Lighthouse performance (mobile)',
        value: Math.round(c.performance.score * 100),
        unit: '/100',
      },
      { metric: 'Lighthouse accessibility', value: Math.round(c.accessibility.score * 100), unit: '/100' },
      {
        metric: 'Lighthouse best practices',
        value: Math.round(c['best-practices'].score * 100),
        unit: '/100',
      },
      {
        metric: 'first contentful paint (simulated mobile)',
        value: Math.round(audits['first-contentful-paint'].numericValue),
        unit: 'ms',
      },
      {
        metric: 'largest contentful paint (simulated mobile)',
        value: Math.round(audits['largest-contentful-paint'].numericValue),
        unit: 'ms',
      },
      {
        metric: 'cumulative layout shift',
        value: Math.round(audits['cumulative-layout-shift'].numericValue * 1000) / 1000,
        unit: '',
      },
    ];
  } finally {
    chrome.kill();
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
