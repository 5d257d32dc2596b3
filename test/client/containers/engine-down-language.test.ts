// An engine the agent cannot reach, on the Containers screen in simplified Chinese (real Chromium,
// real agent): the banner says why in the owner's language, from the catalogue message the agent
// sends with the engine's English reason; the socket's path stays as data.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineInfo } from '../../../shared/protocol/containers.js';
import { startTestAgent, type TestAgent, waitFor } from '../../harness/agent.js';
import { type Browser, launchBrowser, pairPage, requirePwaBuilt } from '../../harness/browser.js';
import { tempDir } from '../../harness/temp.js';

let t: TestAgent;
let b: Browser;
const gone = tempDir();
const socket = path.join(gone.dir, 'docker.sock');

beforeAll(async () => {
  requirePwaBuilt();
  t = await startTestAgent({
    yaml: [
      'home: { name: Test home }',
      'listen: { host: 127.0.0.1, port: 0 }',
      'docker:',
      '  - id: nas',
      '    name: NAS',
      `    socket: ${socket}`,
      '',
    ].join('\n'),
  });
  await waitFor(
    () => (t.agent.state.get('containers.engine', 'nas') as EngineInfo | undefined)?.reasonMsg,
    10_000,
    'the engine reported unreachable, with its message',
  );
  b = await launchBrowser();
  await pairPage(b.page, t);
});

afterAll(async () => {
  await b?.close();
  await t?.close();
  gone.remove();
});

describe('Containers screen, an engine down, in Chinese', () => {
  it("says why in the owner's language, not in the engine's English", async () => {
    const { page } = b;
    await page.evaluate(() => localStorage.setItem('lifeline.lang', 'zh-Hans'));
    await page.goto(`${t.url}/#/containers`);
    await page.reload();
    const banner = page.getByTestId('engine-nas').getByRole('alert');
    await expect
      .poll(() => banner.textContent(), { timeout: 15_000 })
      .toContain(`${socket} 没有 Docker 套接字`);
    expect(await banner.textContent()).not.toContain('no Docker socket');
    expect(await banner.locator('[data-home-english]').count()).toBe(0);
  });
});
