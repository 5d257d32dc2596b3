// `lifeline ctl tls` and `ctl tls renew` from a paired terminal: the real executable against a real
// agent that gets its certificate from a real ACME CA (pebble) by DNS-01 in a real BIND. The owner
// sees the name, issuer, end and days left, CAA and the last renewal; a renewal asked for from the
// terminal gets a new certificate, and one that fails says why and exits non-zero.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../harness/agent.js';
import { startBind, type TestBind } from '../../../harness/bind.js';
import { freePort, runCli, startCli } from '../../../harness/cli.js';
import { startPebble, type TestPebble } from '../../../harness/pebble.js';
import { tempDir } from '../../../harness/temp.js';

const NAME = 'home.lifeline.test';
const tmp = tempDir();
const env = { LIFELINE_CTL_HOME: path.join(tmp.dir, 'ctl') };
let bind: TestBind;
let pebble: TestPebble;
let stopAgent: (() => Promise<void>) | undefined;

interface TlsView {
  name: string;
  status: string;
  issuer?: string;
  notAfter?: number;
  daysLeft?: number;
  serial?: string;
  failures: number;
  lastError?: { code: string; message: string };
  lastRenewedAt?: number;
  caa?: { status: string; text: string };
}

async function ctlTls(): Promise<TlsView[]> {
  const r = await runCli(['ctl', 'tls', '--json'], { env });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as TlsView[];
}

beforeAll(async () => {
  bind = await startBind({ records: ['home IN A 127.0.0.1'] });
  pebble = await startPebble({ dnsServer: bind.server });
  const port = await freePort();
  const file = path.join(tmp.dir, 'lifeline.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      listen: { host: '127.0.0.1', port },
      tls: {
        name: NAME,
        directory: pebble.directory,
        caFile: pebble.listenerCaFile,
        provider: { provider: 'rfc2136', server: bind.server, zone: bind.zone, key: bind.key },
        resolver: bind.server,
        authoritativePort: bind.port,
        caaIdentity: 'pebble.letsencrypt.org',
        listen: { host: '127.0.0.1', port: 0 },
      },
    }),
  );
  const started = await startCli(['start', '-c', file], /Lifeline is running/, { cwd: tmp.dir, env });
  stopAgent = started.stop;
  // The link names the one origin (https://home.lifeline.test), which no resolver here knows:
  // the terminal pairs at the agent's plain address instead.
  const pair = await runCli(['pair', '-c', file, '--json', '--url', `http://127.0.0.1:${port}`], { env });
  const { link } = JSON.parse(pair.stdout) as { link: string };
  expect((await runCli(['ctl', 'pair', link], { env })).code).toBe(0);
}, 60_000);

afterAll(async () => {
  await stopAgent?.();
  await pebble?.close();
  await bind?.close();
  tmp.remove();
});

describe('ctl tls', () => {
  let first: TlsView;

  it('shows the name, issuer, end and days left, CAA and the last renewal', async () => {
    first = await waitFor(
      async () => {
        const [t] = await ctlTls();
        return t?.status === 'valid' && t.caa ? t : undefined;
      },
      90_000,
      'a certificate',
    );
    expect(first).toMatchObject({ name: NAME, failures: 0 });
    expect(first.issuer).toMatch(/^Pebble Intermediate CA/);
    // Pebble issues for 5 years.
    expect(first.daysLeft).toBe(Math.floor((first.notAfter! - Date.now()) / 86_400_000));
    expect(first.daysLeft).toBeGreaterThan(1800);
    // BIND's zone has no CAA record: the relay could get a certificate for the name.
    expect(first.caa).toMatchObject({ status: 'missing' });
    expect(first.lastError).toBeUndefined();

    const human = await runCli(['ctl', 'tls'], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^${NAME.replace(/\./g, '\\.')}: valid\\n`));
    expect(human.stdout).toMatch(/issuer\s+Pebble Intermediate CA/);
    expect(human.stdout).toMatch(new RegExp(`valid until\\s+\\S+ \\S+ \\(${first.daysLeft} days left\\)`));
    expect(human.stdout).toMatch(/CAA\s+missing: no CAA record for home\.lifeline\.test/);
    expect(human.stdout).toMatch(/last renewal\s+\S+ \S+ \(\d+ (s|min) ago\)/);
  }, 120_000);

  it('renew gets a new certificate from the CA, through the guard', async () => {
    const r = await runCli(['ctl', 'tls', 'renew', '--json'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { status: string; notAfter: number; tls: TlsView };
    expect(out.status).toBe('valid');
    expect(out.tls.serial).not.toBe(first.serial);
    expect(out.tls.lastRenewedAt).toBeGreaterThan(first.lastRenewedAt!);

    const human = await runCli(['ctl', 'tls', 'renew'], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/^home\.lifeline\.test: renewed, valid until .* \(\d+ days left\)\.\n$/);
    // The audit log names it like every other command.
    const log = await runCli(['ctl', 'log', '--json'], { env });
    expect(log.stdout).toContain('tls.renew');
  }, 120_000);

  it('a renewal that fails says why, exits 1, and ctl tls shows the error', async () => {
    await pebble.down();
    try {
      const r = await runCli(['ctl', 'tls', 'renew'], { env });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toMatch(
        /^lifeline: renewal of home\.lifeline\.test failed: cannot reach the CA at 127\.0\.0\.1:\d+: .+; the agent keeps retrying$/,
      );
      const [t] = await ctlTls();
      expect(t).toMatchObject({ status: 'retrying', failures: 1, lastError: { code: 'unreachable' } });
      const human = await runCli(['ctl', 'tls'], { env });
      expect(human.stdout).toMatch(
        /last error\s+cannot reach the CA at .* \(unreachable, \d+ s ago; 1 in a row\)/,
      );
      // The certificate in place is still served and shown.
      expect(t!.serial).toBeDefined();
    } finally {
      await pebble.up();
    }
  }, 120_000);
});
