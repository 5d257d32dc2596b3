// An owner without a name of their own may let the relay serve the app (relay.yaml app.serve).
// The app then works through it, and Settings says plainly that the relay's operator is trusted
// with the app's code (test/client/one-origin.test.ts: loaded from the agent, it says so).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../harness/agent.js';
import { type Browser, launchBrowser, requirePwaBuilt } from '../harness/browser.js';
import { linkUp, startTestRelay, type TestRelay } from '../harness/relay.js';

let relay: TestRelay;
let t: TestAgent;
let b: Browser;

beforeAll(async () => {
  requirePwaBuilt();
  const prepared = await prepareAgentDir();
  relay = await startTestRelay({ homes: [prepared.homeId], serveApp: true });
  const relayUrl = relay.url;
  t = await startTestAgent(
    {
      yaml: `home: { name: Test home }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relayUrl}" }\n`,
    },
    prepared,
  );
  await linkUp(t);
  b = await launchBrowser();
}, 60_000);

afterAll(async () => {
  await b?.close();
  await t?.close();
  await relay?.close();
});

describe('the app served by the relay (opt-in)', () => {
  it('works through the relay and says in Settings that the relay is trusted with its code', async () => {
    const { link } = t.agent.pairing.link(relay.url, t.agent.homeId, null);
    await b.page.goto(link);
    await b.page.getByLabel('Name for this device').fill('Test phone');
    await b.page.getByRole('button', { name: 'Pair' }).click();
    await waitFor(
      async () => (await b.page.getByRole('status').textContent())?.includes('Connected'),
      20_000,
      'paired through the relay',
    );
    await b.page.goto(`${relay.url}/#/settings`);
    const note = b.page.getByTestId('app-origin');
    await note.waitFor({ timeout: 10_000 });
    expect(await note.getAttribute('data-served-by')).toBe('relay');
    expect(await note.textContent()).toMatch(/relay’s operator is trusted with the app’s code/);
    if (process.env.LIFELINE_SCREENSHOTS)
      await b.page.screenshot({
        path: path.join(process.env.LIFELINE_SCREENSHOTS, 'relay-served-settings.png'),
        fullPage: true,
      });
  }, 60_000);

  it('with home dark, says the relay cannot reach home rather than "Home unreachable"', async () => {
    await t.stop();
    const homeId = t.agent.homeId;
    await waitFor(
      async () => (await relay.relay.status(homeId))?.online === false,
      10_000,
      'the relay sees the link down',
    );
    await b.page.goto(`${relay.url}/#/`);
    await expect
      .poll(() => b.page.getByRole('status').textContent(), { timeout: 20_000 })
      .toContain('Home offline: the relay cannot reach it');
    if (process.env.LIFELINE_SCREENSHOTS)
      await b.page.screenshot({
        path: path.join(process.env.LIFELINE_SCREENSHOTS, 'relay-home-offline.png'),
      });
  }, 60_000);
});
