// `lifeline check` verifies the names and the DDNS credentials; `ctl net` and `ctl ddns update`
// from a paired terminal — the real executable against a real BIND and an HTTPS echo endpoint.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBind, type TestBind } from '../../../harness/bind.js';
import { freePort, runCli, startCli } from '../../../harness/cli.js';
import { tempDir } from '../../../harness/temp.js';
import { makeCerts, type TestCerts } from '../../../harness/tls.js';
import { type EchoServer, startEchoServer } from '../../../simulators/echo-server.js';

const tmp = tempDir();
const env = { LIFELINE_CTL_HOME: path.join(tmp.dir, 'ctl') };
let bind: TestBind;
let certs: TestCerts;
let echo: EchoServer;
let port: number;
let stopAgent: (() => Promise<void>) | undefined;

function writeConfig(file: string, secret: string): string {
  const full = path.join(tmp.dir, file);
  writeFileSync(
    full,
    JSON.stringify({
      listen: { host: '127.0.0.1', port },
      data: `./data-${file}`,
      network: {
        names: ['home.lifeline.test'],
        resolvers: [bind.server],
        publicIp: {
          echo: [{ url: echo.url, family: 'ipv4', ca: certs.caFile }],
          router: false,
          relay: false,
        },
        ddns: { provider: 'rfc2136', zone: bind.zone, server: bind.server, key: { ...bind.key, secret } },
      },
    }),
  );
  return full;
}

beforeAll(async () => {
  certs = makeCerts();
  bind = await startBind({ records: ['home IN A 203.0.113.30'] });
  echo = await startEchoServer(certs, { address: '203.0.113.30' });
  port = await freePort();
});

afterAll(async () => {
  await stopAgent?.();
  await echo?.close();
  await bind?.close();
  certs?.remove();
  tmp.remove();
});

describe('lifeline check and ctl for the network', () => {
  it('check verifies the public address, the name and the TSIG key', async () => {
    const r = await runCli(['check', '-c', writeConfig('good.yaml', bind.key.secret), '--json']);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      checks: { name: string; status: string; detail: string }[];
    };
    const row = (name: string) => out.checks.find((c) => c.name === name);
    expect(row('public IPv4')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('203.0.113.30'),
    });
    expect(row('DNS home.lifeline.test')).toMatchObject({ status: 'ok' });
    expect(row('DDNS home.lifeline.test')).toMatchObject({
      status: 'ok',
      detail: `rfc2136: TSIG key "lifeline-key" accepted by ${bind.server} for zone lifeline.test`,
    });
    expect(r.code).toBe(0);
  });

  it('check fails on a wrong TSIG secret, says why, and never prints the secret', async () => {
    const wrong = Buffer.alloc(32, 9).toString('base64');
    const r = await runCli(['check', '-c', writeConfig('wrong.yaml', wrong)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      /✗\s+DDNS home\.lifeline\.test\s+rfc2136: .*rejected the TSIG key "lifeline-key": BADSIG/,
    );
    expect(r.stdout + r.stderr).not.toContain(wrong);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('ctl net shows the address, the name per resolver and the DDNS state; ctl ddns update forces one', async () => {
    const file = writeConfig('lifeline.yaml', bind.key.secret);
    const started = await startCli(['start', '-c', file, '-p', String(port)], /Lifeline is running/, {
      cwd: tmp.dir,
      env,
    });
    stopAgent = started.stop;
    const pair = await runCli(['pair', '-c', file, '--json'], { env });
    const { link } = JSON.parse(pair.stdout) as { link: string };
    expect((await runCli(['ctl', 'pair', link], { env })).code).toBe(0);

    let net: {
      publicIp: { address: string }[];
      names: { name: string; status: string }[];
      ddns: { status: string }[];
    } = { publicIp: [], names: [], ddns: [] };
    for (let i = 0; i < 40 && net.names[0]?.status !== 'match'; i++) {
      const r = await runCli(['ctl', 'net', '--json'], { env });
      expect(r.code).toBe(0);
      net = JSON.parse(r.stdout);
      if (net.names[0]?.status !== 'match') await new Promise((res) => setTimeout(res, 500));
    }
    expect(net.publicIp.map((p) => p.address)).toContain('203.0.113.30');
    expect(net.names).toMatchObject([{ name: 'home.lifeline.test', status: 'match' }]);

    const human = await runCli(['ctl', 'net'], { env });
    expect(human.stdout).toContain('Public IPv4: 203.0.113.30');
    expect(human.stdout).toContain('home.lifeline.test: MATCH');
    expect(human.stdout).toMatch(
      new RegExp(`${bind.server.replace(/\./g, '\\.')}\\s+203\\.0\\.113\\.30 \\(ttl 60\\)`),
    );
    expect(human.stdout + human.stderr).not.toContain(bind.key.secret);

    const forced = await runCli(['ctl', 'ddns', 'update', 'home.lifeline.test'], { env });
    expect(forced.stderr).toBe('');
    expect(forced.stdout).toBe('home.lifeline.test points at 203.0.113.30 (rfc2136, in-sync).\n');
    const unknown = await runCli(['ctl', 'ddns', 'update', 'nope.lifeline.test'], { env });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('lifeline: no DDNS updater for nope.lifeline.test (not-found)');
  });
});
