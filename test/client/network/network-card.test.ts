// The Home screen's network card in real Chromium: public address and its sources, each name with
// per-resolver answers and a match / mismatch badge, the DDNS state, and "Update now".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../../harness/agent.js';
import { startBind, type TestBind } from '../../harness/bind.js';
import { type Browser, launchBrowser, requirePwaBuilt } from '../../harness/browser.js';
import { makeCerts, type TestCerts } from '../../harness/tls.js';
import { type EchoServer, startEchoServer } from '../../simulators/echo-server.js';

let t: TestAgent;
let b: Browser;
let bind: TestBind;
let certs: TestCerts;
let echo: EchoServer;

beforeAll(async () => {
  requirePwaBuilt();
  certs = makeCerts();
  bind = await startBind({ records: ['home IN A 203.0.113.10', 'old IN A 198.51.100.77'] });
  echo = await startEchoServer(certs, { address: '203.0.113.10' });
  t = await startTestAgent({
    yaml: JSON.stringify({
      home: { name: 'Card home' },
      listen: { host: '127.0.0.1', port: 0 },
      network: {
        names: ['home.lifeline.test', 'old.lifeline.test'],
        resolvers: [bind.server],
        publicIp: {
          echo: [{ url: echo.url, family: 'ipv4', ca: certs.caFile }],
          router: false,
          relay: false,
          intervalSeconds: 1,
        },
        checkIntervalSeconds: 1,
        ddns: {
          provider: 'rfc2136',
          record: 'home.lifeline.test',
          zone: bind.zone,
          server: bind.server,
          key: bind.key,
        },
      },
    }),
  });
  b = await launchBrowser();
});

afterAll(async () => {
  await b?.close();
  await t?.close();
  await echo?.close();
  await bind?.close();
  certs?.remove();
});

describe('PWA network card', () => {
  it('shows the public address, each name per resolver with its badge, and the DDNS state', async () => {
    const { link } = t.agent.pairing.link(t.url, t.agent.homeId, null);
    const { page } = b;
    await page.goto(link);
    await page.getByLabel('Name for this device').fill('Net phone');
    await page.getByRole('button', { name: 'Pair' }).click();
    const card = page.getByTestId('network-card');
    await expect
      .poll(() => card.getByTestId('public-ipv4-address').textContent(), { timeout: 20_000 })
      .toBe('203.0.113.10');
    expect(await card.getByTestId('public-ipv4').textContent()).toContain(
      `Agreed by echo:${new URL(echo.url).host}`,
    );

    const home = card.getByTestId('dns-home.lifeline.test');
    await expect
      .poll(() => home.locator('.item-title .badge').textContent(), { timeout: 20_000 })
      .toBe('Points home');
    const row = home.locator(`li[data-resolver="${bind.server}"]`);
    expect(await row.textContent()).toContain('203.0.113.10 (60 s)');

    const old = card.getByTestId('dns-old.lifeline.test');
    await expect
      .poll(() => old.locator('.item-title .badge').textContent(), { timeout: 20_000 })
      .toBe('Mismatch');
    expect(await old.textContent()).toContain('198.51.100.77 (60 s)');

    const ddns = card.getByTestId('ddns-home.lifeline.test');
    await expect
      .poll(() => ddns.getByTestId('ddns-status').textContent(), { timeout: 20_000 })
      .toBe('In sync');
    expect(await page.content()).not.toContain(bind.key.secret);
  });

  it('follows an address change to the updated name, and updates on demand', async () => {
    const { page } = b;
    echo.mode = { address: '203.0.113.20' };
    const card = page.getByTestId('network-card');
    await expect
      .poll(() => card.getByTestId('public-ipv4-address').textContent(), { timeout: 20_000 })
      .toBe('203.0.113.20');
    expect(await card.getByTestId('public-ipv4').textContent()).toContain(
      'Changed 203.0.113.10 → 203.0.113.20',
    );
    const home = card.getByTestId('dns-home.lifeline.test');
    await expect
      .poll(() => home.locator(`li[data-resolver="${bind.server}"]`).textContent(), { timeout: 20_000 })
      .toContain('203.0.113.20 (60 s)');
    await expect
      .poll(() => home.locator('.item-title .badge').textContent(), { timeout: 20_000 })
      .toBe('Points home');

    const ddns = card.getByTestId('ddns-home.lifeline.test');
    await ddns.getByRole('button', { name: 'Update now' }).click();
    await expect
      .poll(() => ddns.getByRole('status').textContent(), { timeout: 20_000 })
      .toBe('home.lifeline.test points at 203.0.113.20');
    expect(t.agent.events.list({ limit: 5, kind: 'network.ddns-updated' })[0]!.data).toMatchObject({
      forced: true,
    });
  });
});
