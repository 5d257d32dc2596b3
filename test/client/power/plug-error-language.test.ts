// A plug nobody answers for, on the Power screen in traditional Chinese (real Chromium, a real
// agent, a Shelly address nothing listens on): the card's problem and the answer to "On" give the
// driver's failure in the owner's language, from its catalogue message, not the agent's English.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Browser, launchBrowser, pairPage, requirePwaBuilt } from '../../harness/browser.js';
import { freePort } from '../../harness/cli.js';
import { plugOf, startPlugAgent, until } from '../../server/agent/power/plug-agent.js';

let env: Awaited<ReturnType<typeof startPlugAgent>>;
let b: Browser;
let gone: string;

beforeAll(async () => {
  requirePwaBuilt();
  gone = `127.0.0.1:${await freePort()}`;
  env = await startPlugAgent([{ id: 'aquarium', name: 'Aquarium', driver: 'shelly-gen1', address: gone }]);
  await until(() => plugOf(env.t, 'aquarium')?.problem, 'the plug reported offline');
  b = await launchBrowser();
  await pairPage(b.page, env.t);
  await b.page.evaluate(() => localStorage.setItem('lifeline.lang', 'zh-Hant'));
  await b.page.goto(`${env.t.url}/#/power`);
  await b.page.reload();
});

afterAll(async () => {
  await b?.close();
  await env?.close();
});

describe('a plug that does not answer, in Chinese', () => {
  it("shows why on the card in the owner's language", async () => {
    const card = b.page.getByTestId('plug-aquarium');
    const problem = card.getByTestId('plug-problem');
    await expect.poll(() => problem.textContent(), { timeout: 15_000 }).toBe(`${gone} 拒絕連線`);
    expect(await problem.locator('[data-home-english]').count()).toBe(0);
  });

  it('answers "On" with the same words', async () => {
    const card = b.page.getByTestId('plug-aquarium');
    await card.getByRole('button', { name: '開啟' }).click();
    const said = card.getByTestId('plug-message');
    await said.waitFor({ timeout: 15_000 });
    expect(await said.textContent()).toContain(`${gone} 拒絕連線`);
    expect(await said.textContent()).not.toContain('refused the connection');
  });
});
