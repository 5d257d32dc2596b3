// Pairing however the pair screen is reached: a fresh browser opens `/` (the pair screen, no link
// yet), then the pairing link in the same tab — the screen must take the link without a reload.
// And `lifeline pair` against an agent started with `-p`: the link points at the port it runs on.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, requirePwaBuilt } from '../harness/browser.js';
import { freePort, runCli, startCli } from '../harness/cli.js';
import { tempDir } from '../harness/temp.js';
import { type CliAgent, stopAgent } from '../harness/unclean-stop.js';

const tmp = tempDir();
let agent: CliAgent;
let b: Browser;
let config: string;
let port: number;

beforeAll(async () => {
  requirePwaBuilt();
  config = path.join(tmp.dir, 'lifeline.yaml');
  // The config says 8080; the agent runs on another port given with -p.
  writeFileSync(
    config,
    `home: { name: Test home }\nlisten: { host: 127.0.0.1, port: 8080 }\ndata: ${path.join(tmp.dir, 'data')}\n`,
  );
  port = await freePort();
  agent = await startCli(['start', '-c', config, '-p', String(port)], /Lifeline is running/, {
    timeoutMs: 30_000,
  });
  b = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await b?.close();
  if (agent) await stopAgent(agent, 'clean');
  tmp.remove();
});

describe('pairing', () => {
  it('`lifeline pair` links to the port the running agent listens on', async () => {
    const r = await runCli(['pair', '-c', config, '--json']);
    const { link } = JSON.parse(r.stdout) as { link: string };
    expect(new URL(link).port).toBe(String(port));
  });

  it('the pair screen reached from / takes a link opened later in the same tab', async () => {
    const { page } = b;
    await page.goto(`http://localhost:${port}/`);
    await page.getByRole('heading', { name: 'Pair this device' }).waitFor({ timeout: 15_000 });
    const r = await runCli(['pair', '-c', config, '--json']);
    const { link } = JSON.parse(r.stdout) as { link: string };
    await page.goto(link);
    const pair = page.getByRole('button', { name: 'Pair' });
    await expect.poll(() => pair.isEnabled()).toBe(true);
    await pair.click();
    await page.getByTestId('agent-version').waitFor({ timeout: 15_000 });
  });
});
