// A request nobody confirmed, as the Activity screen tells it: "waiting for confirmation" while its
// minute runs, then "expired" by itself once the minute is over (the screen asks home again; home
// marks it expired when asked), without a reload or another command. Real agent, real Chromium.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AgentClient } from '../../../shared/client/agent-client.js';
import { PowerOff } from '../../../shared/protocol/power.js';
import { pairDevice } from '../../harness/agent.js';
import { type Browser, launchBrowser, pairPage, requirePwaBuilt } from '../../harness/browser.js';
import { type LampHome, startLampHome } from '../../harness/lamp-home.js';

let home: LampHome;
let b: Browser;
let laptop: AgentClient;

beforeAll(async () => {
  requirePwaBuilt();
  home = await startLampHome();
  ({ client: laptop } = await pairDevice(home.t, 'Laptop'));
  b = await launchBrowser({ viewport: { width: 390, height: 844 } });
  await pairPage(b.page, home.t);
}, 60_000);

afterAll(async () => {
  laptop?.close();
  await b?.close();
  await home?.close();
});

it('shows an unanswered request as waiting, then as not confirmed in time once its minute is over', async () => {
  const asked = await laptop.run(PowerOff, { target: 'lamp' });
  expect(asked.status).toBe('confirm');
  await b.page.goto(`${home.t.url}/#/activity`);
  const row = b.page.getByTestId('timeline').locator('li', { hasText: 'waiting for confirmation' });
  await row.first().waitFor({ timeout: 15_000 });
  // Nothing else happens at home: no command, no event, no reload.
  await b.page
    .getByTestId('timeline')
    .locator('li', { hasText: 'not confirmed in time' })
    .first()
    .waitFor({ timeout: 80_000 });
  expect(await row.count()).toBe(0);
  expect(home.lamp.relay.on).toBe(true);
}, 120_000);
