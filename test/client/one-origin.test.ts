// One HTTPS origin, end to end, with real parts: the agent gets its certificate from pebble (the
// DNS-01 TXT written into a real BIND), serves the app itself on the LAN and, through the relay's
// SNI pass-through, to a phone away. Chromium trusts pebble's chain only by SPKI and resolves the
// home's name with --host-resolver-rules: first to the agent (at home), then — same installed app,
// same origin — to the relay (away). A relay that alters a byte gets a TLS error, never a command.
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TlsInfo } from '../../shared/protocol/tls.js';
import { prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../harness/agent.js';
import { startBind, type TestBind } from '../harness/bind.js';
import { type Browser, confirmInSheet, launchBrowser, requirePwaBuilt } from '../harness/browser.js';
import { freePort } from '../harness/cli.js';
import { startPassthrough, type TestPassthrough } from '../harness/passthrough.js';
import { startPebble, type TestPebble } from '../harness/pebble.js';
import { linkOf, linkUp, startTestRelay, type TestRelay } from '../harness/relay.js';
import { tempDir } from '../harness/temp.js';
import { startTlsTamper, type TlsTamper } from '../harness/tls-tamper.js';
import { type ShellyGen1Sim, startShellyGen1 } from '../simulators/shelly-gen1.js';

const NAME = 'home.lifeline.test';
const AT_HOME = '127.0.0.1';
const RELAY = '127.0.0.2';
const BAD_RELAY = '127.0.0.3';

let bind: TestBind;
let pebble: TestPebble;
let relay: TestRelay;
let pass: TestPassthrough;
let tamper: TlsTamper;
let lamp: ShellyGen1Sim;
let t: TestAgent;
let port: number;
let spki: string;
const profile = tempDir('lifeline-phone-');
let b: Browser | undefined;
/** Everything the pages said about Content-Security-Policy (a violation would be here). */
const cspMessages: string[] = [];

/** The phone, its name resolved to `address`; the same profile (installed app) every time. */
async function phone(address: string, fresh = false): Promise<Browser> {
  await b?.close();
  b = await launchBrowser({
    ...(fresh ? {} : { profileDir: profile.dir }),
    args: [`--host-resolver-rules=MAP ${NAME} ${address}`, `--ignore-certificate-errors-spki-list=${spki}`],
  });
  b.page.on('console', (m) => {
    if (/Content.Security.Policy/i.test(m.text())) cspMessages.push(m.text());
  });
  return b;
}

const origin = () => `https://${NAME}:${port}`;
const auditOf = (action: string) =>
  t.agent.db.prepare('SELECT * FROM audit WHERE action = ? AND target = ?').all(action, 'lamp');
const status = (br: Browser) => br.page.getByRole('status').textContent();

beforeAll(async () => {
  requirePwaBuilt();
  bind = await startBind({ records: ['home IN A 127.0.0.1'] });
  pebble = await startPebble({ dnsServer: bind.server });
  lamp = await startShellyGen1({ watts: 7 });
  const prepared = await prepareAgentDir();
  relay = await startTestRelay({ homes: [prepared.homeId] });
  // One port for all three addresses: the origin (scheme, name, port) is the same at home and away.
  port = await freePort();
  pass = await startPassthrough(relay, {}, { host: RELAY, port });
  tamper = await startTlsTamper({ host: BAD_RELAY, port }, { host: RELAY, port });
  const config = {
    home: { name: 'Test home' },
    listen: { host: '127.0.0.1', port: 0 },
    relay: { url: relay.url },
    power: [
      {
        id: 'lamp',
        name: 'Desk lamp',
        driver: 'shelly-gen1',
        address: lamp.address,
        pollSeconds: 1,
        timeoutSeconds: 1,
      },
    ],
    tls: {
      name: NAME,
      directory: pebble.directory,
      caFile: pebble.listenerCaFile,
      provider: { provider: 'rfc2136', server: bind.server, zone: bind.zone, key: bind.key },
      resolver: bind.server,
      authoritativePort: bind.port,
      caaIdentity: 'pebble.letsencrypt.org',
      listen: { host: AT_HOME, port },
    },
  };
  t = await startTestAgent({ yaml: JSON.stringify(config) }, prepared);
  await waitFor(
    () => (t.agent.state.get('tls', NAME) as TlsInfo | undefined)?.status === 'valid',
    90_000,
    'a certificate',
  );
  await linkUp(t);
  await waitFor(() => linkOf(t)?.names?.includes(NAME), 10_000, 'the relay routes the name');
  // Chromium trusts pebble's chain by its keys' hashes, as a phone trusts a public CA.
  const chain = readFileSync(path.join(t.dir, 'data', 'tls', 'certificate.pem'), 'utf8');
  const pems = [...chain.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map(
    (m) => m[0],
  );
  spki = [...pems, await pebble.root()]
    .map((pem) =>
      createHash('sha256')
        .update(new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' }))
        .digest('base64'),
    )
    .join(',');
}, 180_000);

afterAll(async () => {
  await b?.close();
  await t?.close();
  await tamper?.close();
  await pass?.close();
  await relay?.close();
  await lamp?.close();
  await pebble?.close();
  await bind?.close();
  profile.remove();
});

describe('one HTTPS origin, at home and away', () => {
  it('at home: opens the app at the agent, pairs and switches the lamp off', async () => {
    const br = await phone(AT_HOME);
    const { link } = t.agent.pairing.link(origin(), t.agent.homeId, null);
    expect(link.startsWith(`${origin()}/`)).toBe(true);
    await br.page.goto(link);
    await br.page.getByLabel('Name for this device').fill('Test phone');
    await br.page.getByRole('button', { name: 'Pair' }).click();
    await waitFor(async () => (await status(br))?.includes('Connected'), 20_000, 'paired');
    await br.page.goto(`${origin()}/#/power`);
    await br.page.getByTestId('plug-lamp').getByRole('button', { name: 'Off' }).click();
    await confirmInSheet(br.page);
    await waitFor(() => !lamp.relay.on, 10_000, 'the lamp off');
    expect(pass.outcomes).not.toContain('piped');
    // The whole app ran under the CSP (no inline script, no framing) without one violation.
    expect(cspMessages).toEqual([]);
  }, 90_000);

  it('lifeline check shows the certificate, the LAN listener and the CAA record that pins DNS-01 to this account', async () => {
    const rows = await t.agent.check();
    const row = (name: string) => rows.find((r) => r.name === name);
    expect(row('tls')?.status).toBe('ok');
    expect(row('tls.listen')).toMatchObject({ status: 'ok' });
    const account = (t.agent.state.get('tls', NAME) as TlsInfo).accountUrl!;
    expect(row('tls.caa')?.status).toBe('warn');
    expect(row('tls.caa')?.detail).toContain(
      `CAA 0 issue "pebble.letsencrypt.org; validationmethods=dns-01; accounturi=${account}"`,
    );
  });

  it('away: the same installed app, same origin, through the relay’s pass-through switches it on', async () => {
    const br = await phone(RELAY);
    await br.page.goto(`${origin()}/#/power`);
    await waitFor(
      async () => (await status(br))?.includes('Connected'),
      20_000,
      'connected through the relay',
    );
    expect(await br.page.evaluate(() => location.origin)).toBe(origin());
    await br.page.getByTestId('plug-lamp').getByRole('button', { name: 'On' }).click();
    await waitFor(() => lamp.relay.on, 10_000, 'the lamp on');
    expect(pass.outcomes).toContain('piped');
    expect(t.agent.hub.countByPath().relay).toBeGreaterThanOrEqual(1);
    // The Home screen shows until when the certificate holds.
    await br.page.goto(`${origin()}/#/`);
    expect(await br.page.getByTestId('tls-valid-until').textContent()).toMatch(
      /Valid until .* \(18\d\d days left\)/,
    );
    if (process.env.LIFELINE_SCREENSHOTS)
      await br.page.screenshot({
        path: path.join(process.env.LIFELINE_SCREENSHOTS, 'one-origin-home.png'),
        fullPage: true,
      });
    // Served by the agent, not the relay: Settings says so.
    await br.page.goto(`${origin()}/#/settings`);
    expect(await br.page.getByTestId('app-origin').getAttribute('data-served-by')).toBe('agent');
  }, 90_000);

  it('a relay that alters a byte of a command breaks TLS: nothing runs', async () => {
    const br = await phone(BAD_RELAY);
    await br.page.goto(`${origin()}/#/power`);
    await waitFor(
      async () => (await status(br))?.includes('Connected'),
      20_000,
      'connected through the bad relay',
    );
    const before = auditOf('power.off').length;
    tamper.mode = 'flip-up';
    await br.page.getByTestId('plug-lamp').getByRole('button', { name: 'Off' }).click();
    await br.page
      .locator('dialog.sheet[open]')
      .waitFor({ state: 'visible', timeout: 5_000 })
      .catch(() => {});
    if (await br.page.locator('dialog.sheet[open]').count()) await confirmInSheet(br.page).catch(() => {});
    await waitFor(() => tamper.altered > 0, 10_000, 'the relay to alter a record');
    await br.page.waitForTimeout(3_000);
    expect(lamp.relay.on).toBe(true);
    expect(auditOf('power.off').length).toBe(before);
    expect(await status(br)).not.toMatch(/^Connected/);
    tamper.mode = 'pass';
  }, 90_000);

  it('a relay that slips a script into the page makes a new phone refuse it with a TLS error', async () => {
    const br = await phone(BAD_RELAY, true);
    tamper.mode = 'inject-down';
    const err = await br.page.goto(`${origin()}/`).then(
      () => null,
      (e: Error) => e.message,
    );
    tamper.mode = 'pass';
    expect(err).toMatch(/net::ERR_SSL|ERR_CONNECTION|ERR_SSL_PROTOCOL_ERROR|ERR_BAD_SSL|DECRYPT/);
    expect(tamper.altered).toBeGreaterThan(0);
  }, 60_000);
});
