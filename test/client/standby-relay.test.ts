// The app on a phone (Chromium, 390×844) whose home links to two relays: served by the primary
// (app.serve), paired with a link that names the standby. The primary is killed (-9): the open app
// reconnects through the standby; reopened with the primary still dead, it starts from its cache
// and finds home through the standby again — no pairing again. `lifeline relay` ×2 and
// `lifeline agent` run as separate processes.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { prepareAgentDir, waitFor } from '../harness/agent.js';
import { type Browser, launchBrowser, requirePwaBuilt } from '../harness/browser.js';
import { freePort, runCli, startCli } from '../harness/cli.js';
import { tempDir } from '../harness/temp.js';

const tmp = tempDir();
const stops: (() => Promise<void>)[] = [];
let b: Browser | undefined;
beforeAll(() => {
  requirePwaBuilt();
});
afterAll(async () => {
  await b?.close();
  for (const s of stops.reverse()) await s().catch(() => {});
  tmp.remove();
});

it('kill -9 the primary relay: the app reaches home through the standby, open and reopened', async () => {
  const prepared = await prepareAgentDir();
  stops.push(async () => prepared.remove());
  const ports = { a: await freePort(), b: await freePort() };
  const url = (name: 'a' | 'b') => `http://127.0.0.1:${ports[name]}`;
  const startRelay = async (name: 'a' | 'b') => {
    const file = path.join(tmp.dir, `relay-${name}.yaml`);
    writeFileSync(
      file,
      [
        `listen: { host: 127.0.0.1, port: ${ports[name]} }`,
        `data: ./relay-${name}-data`,
        `homes: [${prepared.homeId}]`,
        'app: { serve: true }',
        // Each lets the other's app open sessions through it.
        `otherRelays: ["${url(name === 'a' ? 'b' : 'a')}"]`,
        '',
      ].join('\n'),
    );
    const r = await startCli(['relay', '-c', file], /Serving 1 home/);
    stops.push(r.stop);
    return r;
  };
  const primary = await startRelay('a');
  await startRelay('b');
  const agentFile = path.join(prepared.dir, 'lifeline.yaml');
  writeFileSync(
    agentFile,
    `home: { name: Twice linked }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "ws://127.0.0.1:${ports.a}", standby: "ws://127.0.0.1:${ports.b}", heartbeatSeconds: 2 }\n`,
  );
  const agent = await startCli(['agent', '-c', agentFile, '-p', '0'], /Lifeline is running/);
  stops.push(agent.stop);
  const link = async () =>
    (JSON.parse((await runCli(['pair', '-c', agentFile, '--json'])).stdout) as { link: string }).link;

  b = await launchBrowser({ viewport: { width: 390, height: 844 } });
  const { page } = b;
  const connected = (timeoutMs: number, what: string) =>
    waitFor(
      async () => (await page.getByRole('status').first().textContent())?.includes('Connected'),
      timeoutMs,
      what,
    );
  // The agent may still be dialling out when the first link is made: pair again until it answers.
  for (let i = 0; ; i++) {
    await page.goto(await link());
    await page.getByLabel('Name for this device').fill('Phone');
    await page.getByRole('button', { name: 'Pair' }).click();
    try {
      await connected(8000, 'paired through the primary');
      break;
    } catch (err) {
      if (i >= 3) throw err;
    }
  }
  // Let the service worker take the app's files (it serves them when the primary is gone).
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });

  primary.child.kill('SIGKILL');
  const killedAt = Date.now();
  await waitFor(
    async () => !(await page.getByRole('status').first().textContent())?.includes('Connected'),
    20_000,
    'the app noticing the primary is gone',
  );
  await connected(20_000, 'reconnected through the standby');
  console.info(
    `standby: the open app reached home through the standby ${Date.now() - killedAt} ms after kill -9`,
  );
  if (process.env.LIFELINE_SCREENSHOTS)
    await page.screenshot({ path: path.join(process.env.LIFELINE_SCREENSHOTS, 'standby-open.png') });

  // Reopened with the primary still dead: from the cache, through the standby.
  await page.reload();
  await connected(20_000, 'reopened through the standby');
  expect(page.url().startsWith(url('a'))).toBe(true);
  if (process.env.LIFELINE_SCREENSHOTS)
    await page.screenshot({ path: path.join(process.env.LIFELINE_SCREENSHOTS, 'standby-reopened.png') });
}, 120_000);
