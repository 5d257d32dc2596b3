// The agent gets its own certificate from a real ACME CA (Debian's pebble), the DNS-01 TXT written
// into a real BIND through the RFC 2136 code, and serves it: trusted by a client that trusts
// pebble's root, refused by one that does not.
import { Resolver } from 'node:dns/promises';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DdnsSchema } from '../../../../server/agent/network/config.js';
import type { TxtWriter } from '../../../../server/agent/network/ddns/provider.js';
import { rfc2136Provider } from '../../../../server/agent/network/ddns/rfc2136.js';
import type { TxtLookup } from '../../../../server/agent/tls/dns-challenge.js';
import { lookupTxt } from '../../../../server/agent/tls/dns-challenge.js';
import type { Tls } from '../../../../server/agent/tls/tls.js';
import { waitFor } from '../../../harness/agent.js';
import { startBind, type TestBind } from '../../../harness/bind.js';
import { startPebble, type TestPebble } from '../../../harness/pebble.js';
import { tempDir } from '../../../harness/temp.js';
import { fetchHome, NAME, serve, tlsFor } from './tls-setup.js';

const CHALLENGE = `_acme-challenge.${NAME}`;
let bind: TestBind;
let pebble: TestPebble;
const data = tempDir('lifeline-tls-');
let tls: Tls;
/** Every TXT answer the agent saw at the authoritative server while waiting. */
const seen: string[][] = [];

async function txtAtBind(): Promise<string[]> {
  const r = new Resolver({ timeout: 1000, tries: 1 });
  r.setServers([bind.server]);
  return (await r.resolveTxt(CHALLENGE).catch(() => [] as string[][])).map((c) => c.join(''));
}

beforeAll(async () => {
  bind = await startBind({ records: ['home IN A 127.0.0.1'] });
  pebble = await startPebble({ dnsServer: bind.server });
  const recording: TxtLookup = async (server, name) => {
    const values = await lookupTxt(server, name);
    seen.push(values);
    return values;
  };
  tls = tlsFor(bind, pebble, data.dir, { deps: { txtLookup: recording } });
});

afterAll(async () => {
  tls?.stop();
  await pebble?.close();
  await bind?.close();
  data.remove();
});

describe('a certificate from a real ACME CA through DNS-01 in a real BIND', () => {
  it('obtains a certificate for the owner’s name on start', async () => {
    expect(tls.state().status).toBe('none');
    tls.start();
    const state = await waitFor(
      () => (tls.state().status === 'valid' ? tls.state() : undefined),
      60_000,
      'a certificate',
    );
    expect(state.name).toBe(NAME);
    expect(state.issuer).toMatch(/^Pebble Intermediate CA/);
    expect(state.failures).toBe(0);
    expect(state.accountUrl).toMatch(new RegExp(`^${new URL(pebble.directory).origin}/`));
    // 5-year pebble certificate: renewal planned two thirds in.
    const life = state.notAfter! - state.notBefore!;
    expect(state.nextRenewalAt).toBe(Math.round(state.notBefore! + (life * 2) / 3));
    expect(state.expiresSoon).toBe(false);
    expect(tls.source.current()?.cert).toContain('BEGIN CERTIFICATE');
  });

  it('waited until BIND answered the TXT before the CA validated, and removed it afterwards', async () => {
    expect(seen.some((values) => values.length === 1)).toBe(true);
    expect(await txtAtBind()).toEqual([]);
  });

  it('keeps the account key, the certificate key and the certificate 0600 in <data>/tls (0700)', () => {
    const dir = path.join(data.dir, 'tls');
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of ['account.key', 'account.json', 'certificate.key', 'certificate.pem'])
      expect(statSync(path.join(dir, f)).mode & 0o777, f).toBe(0o600);
    const account = JSON.parse(readFileSync(path.join(dir, 'account.json'), 'utf8'));
    expect(account).toEqual({ url: tls.state().accountUrl, directory: pebble.directory });
    expect(readFileSync(path.join(dir, 'certificate.pem'), 'utf8')).toBe(tls.source.current()!.cert);
  });

  it('an HTTPS server with it is trusted by a client that trusts pebble’s root, and by no other', async () => {
    const s = await serve(tls.source.current()!);
    try {
      const root = await pebble.root();
      const ok = await fetchHome(s.port, root);
      expect(ok).toEqual({ body: 'home', serial: tls.state().serial });
      const untrusted = await fetchHome(s.port, undefined);
      expect(untrusted).toEqual({ error: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
      const otherRoot = await fetchHome(s.port, pebble.listenerCa);
      expect(otherRoot).toHaveProperty('error');
    } finally {
      await s.close();
    }
  });

  it('a restarted agent serves the stored certificate without asking the CA again', async () => {
    const before = tls.state();
    tls.stop();
    const connections = pebble.connections;
    const again = tlsFor(bind, pebble, data.dir);
    again.start();
    try {
      expect(again.state()).toMatchObject({
        status: 'valid',
        serial: before.serial,
        accountUrl: before.accountUrl,
      });
      expect(again.source.current()).toEqual(tls.source.current());
      await new Promise((r) => setTimeout(r, 300));
      expect(pebble.connections).toBe(connections);
    } finally {
      again.stop();
    }
  });
});

describe('expiry seen through the clock', () => {
  it('flags "expires in 14 days" and then "expired", and lifeline check says so', async () => {
    const notAfter = tls.state().notAfter!;
    let now = notAfter - 13 * 86_400_000 - 60_000;
    const t = tlsFor(bind, pebble, data.dir, { deps: { clock: { now: () => now } } });
    t.start();
    t.stop(); // only the state is looked at; no renewal
    try {
      expect(t.state()).toMatchObject({ status: 'valid', expiresSoon: true });
      expect(t.state().summary).toMatchObject({ key: 'tls.status.expires-soon', params: { days: 13 } });
      expect((await t.check())[0]).toMatchObject({ name: 'tls', status: 'warn' });
      now = notAfter + 1;
      expect(t.state()).toMatchObject({ status: 'expired', expiresSoon: false });
      expect((await t.check())[0]).toMatchObject({ name: 'tls', status: 'fail' });
      now = notAfter - 15 * 86_400_000;
      expect(t.state().expiresSoon).toBe(false);
    } finally {
      t.stop();
    }
  });
});

describe('lifeline check rows', () => {
  it('the certificate row is ok; the CAA row gives the record that pins this agent’s real account', async () => {
    const t = tlsFor(bind, pebble, data.dir, { config: { caaIdentity: 'pebble.test' } });
    t.start();
    try {
      const [cert, caa] = await t.check();
      expect(cert).toMatchObject({ name: 'tls', status: 'ok' });
      expect(cert!.detail).toMatch(/^certificate for home\.lifeline\.test valid until /);
      const account = t.state().accountUrl!;
      expect(caa).toMatchObject({ name: 'tls.caa', status: 'warn' });
      expect(caa!.detail).toContain(
        `${NAME}. CAA 0 issue "pebble.test; validationmethods=dns-01; accounturi=${account}"`,
      );
    } finally {
      t.stop();
    }
  });

  it('without a CAA identity (pebble names none), the CAA row says to set tls.caaIdentity', async () => {
    const t = tlsFor(bind, pebble, data.dir);
    t.start();
    try {
      expect((await t.checkCaa()).summary.key).toBe('caa.no-identity');
    } finally {
      t.stop();
    }
  });
});

describe('the CA checks for real', () => {
  it('a TXT with the wrong value (our own wait fooled) is refused by the CA, with its reason', async () => {
    const other = tempDir('lifeline-tls-');
    const rfc2136 = rfc2136Provider(
      v.parse(DdnsSchema, { provider: 'rfc2136', server: bind.server, zone: bind.zone, key: bind.key }),
      NAME,
    );
    let expected = '';
    const liar: TxtWriter = {
      setTxt: (name, value) => {
        expected = value;
        return rfc2136.setTxt(name, `wrong-${value}`);
      },
      removeTxt: (name, value) => rfc2136.removeTxt(name, `wrong-${value}`),
    };
    const t = tlsFor(bind, pebble, other.dir, {
      config: { provider: undefined },
      deps: { txt: liar, txtLookup: async () => [expected] },
    });
    try {
      const s = await t.renewNow();
      expect(s.lastError).toMatchObject({
        code: 'failed',
        key: 'tls.ca-refused',
        message: 'the CA refused: Correct value not found for DNS challenge',
      });
      expect(t.source.current()).toBeUndefined();
      expect(await txtAtBind()).toEqual([]);
    } finally {
      t.stop();
      other.remove();
    }
  });
});

describe('a DNS provider that refuses', () => {
  it('a wrong TSIG key is a clear error in the state, the CA never validates, and it keeps retrying', async () => {
    const other = tempDir('lifeline-tls-');
    const wrong = { ...bind.key, secret: Buffer.alloc(32, 9).toString('base64') };
    const t = tlsFor(bind, pebble, other.dir, { key: wrong });
    try {
      t.start();
      const s = await waitFor(
        () => (t.state().failures >= 2 ? t.state() : undefined),
        20_000,
        'two failures',
      );
      expect(s.status).toBe('retrying');
      expect(s.lastError, JSON.stringify(s.lastError)).toBeDefined();
      expect(s.lastError?.code, s.lastError?.message).toBe('refused');
      expect(s.lastError?.message).toMatch(
        /could not write the TXT record _acme-challenge\.home\.lifeline\.test: .*rejected the TSIG key "lifeline-key": BADSIG/,
      );
      expect(s.lastError?.message).not.toContain(wrong.secret);
      expect(s.nextRenewalAt).toBeGreaterThan(Date.now() - 1000);
      expect(t.source.current()).toBeUndefined();
      expect(await txtAtBind()).toEqual([]);
    } finally {
      t.stop();
      other.remove();
    }
  });
});
