// The CAA check (RFC 8659 / RFC 8657) against CAA records served by a real BIND: pinned to this
// agent's account and DNS-01, missing, open to other methods or CAs, pinned to another account,
// inherited from a parent, or closed to our CA — each with the exact record to add.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caaLookup, checkCaa } from '../../../../server/agent/tls/caa.js';
import { startBind, type TestBind } from '../../../harness/bind.js';

const CA = 'ca.example';
const ACCOUNT = 'https://ca.example/acme/acct/1234';
const OTHER = 'https://ca.example/acme/acct/9999';
const PIN = `"${CA}; validationmethods=dns-01; accounturi=${ACCOUNT}"`;

let bind: TestBind;

const check = (name: string) =>
  checkCaa({ name, ca: CA, accountUrl: ACCOUNT, lookup: caaLookup(bind.server) });
const expectedRecord = (name: string) => `${name}. CAA 0 issue ${PIN}`;

beforeAll(async () => {
  bind = await startBind({
    records: [
      `pinned IN CAA 0 issue ${PIN}`,
      'pinned IN CAA 0 iodef "mailto:owner@example.com"',
      'none IN A 127.0.0.1',
      `open IN CAA 0 issue "${CA}"`,
      `wrong IN CAA 0 issue "${CA}; validationmethods=dns-01; accounturi=${OTHER}"`,
      `http IN CAA 0 issue "${CA}; validationmethods=http-01,dns-01; accounturi=${ACCOUNT}"`,
      `twoca IN CAA 0 issue ${PIN}`,
      'twoca IN CAA 0 issue "other-ca.example"',
      `dnsca IN CAA 0 issue ${PIN}`,
      'dnsca IN CAA 0 issue "other-ca.example; validationmethods=dns-01"',
      'closed IN CAA 0 issue ";"',
      'elsewhere IN CAA 0 issue "other-ca.example; validationmethods=dns-01"',
      'crit IN CAA 128 tbs "unknown"',
      `crit IN CAA 0 issue ${PIN}`,
    ],
  });
});

afterAll(async () => {
  await bind?.close();
});

describe('CAA check', () => {
  it('pinned: our CA, DNS-01 only, our account', async () => {
    const r = await check('pinned.lifeline.test');
    expect(r).toMatchObject({ status: 'pinned', ok: true, at: 'pinned.lifeline.test' });
    expect(r.record).toBeUndefined();
    expect(r.issue).toEqual([`${CA}; validationmethods=dns-01; accounturi=${ACCOUNT}`]);
  });

  it('a name below a pinned one inherits its set', async () => {
    const r = await check('home.pinned.lifeline.test');
    expect(r).toMatchObject({ status: 'pinned', at: 'pinned.lifeline.test' });
  });

  it('missing: no CAA on the name or any parent; says the exact record to add', async () => {
    const r = await check('none.lifeline.test');
    expect(r).toMatchObject({ status: 'missing', ok: false, record: expectedRecord('none.lifeline.test') });
    expect(r.summary.text).toContain(expectedRecord('none.lifeline.test'));
    expect(r.summary.key).toBe('caa.missing');
  });

  it('open: our CA without validationmethods or account, or HTTP-01 allowed, or another CA without limits', async () => {
    for (const name of ['open', 'http', 'twoca']) {
      const r = await check(`${name}.lifeline.test`);
      expect(r.status, name).toBe('open');
      expect(r.record).toBe(expectedRecord(`${name}.lifeline.test`));
    }
    expect((await check('twoca.lifeline.test')).summary.text).toContain('other-ca.example');
  });

  it('another CA limited to DNS-01 beside our pin is no way in for the relay', async () => {
    expect((await check('dnsca.lifeline.test')).status).toBe('pinned');
  });

  it('wrong account: our CA pinned to another account, so this agent cannot renew', async () => {
    const r = await check('wrong.lifeline.test');
    expect(r.status).toBe('wrong-account');
    expect(r.summary.text).toContain(OTHER);
    expect(r.record).toBe(expectedRecord('wrong.lifeline.test'));
  });

  it('blocked: no CA allowed, another CA only, or an unknown critical property', async () => {
    for (const name of ['closed', 'elsewhere', 'crit'])
      expect((await check(`${name}.lifeline.test`)).status, name).toBe('blocked');
  });

  it('a resolver that cannot answer gives unknown, not a verdict', async () => {
    const r = await checkCaa({
      name: 'x.lifeline.test',
      ca: CA,
      accountUrl: ACCOUNT,
      lookup: caaLookup('127.0.0.1:1'),
    });
    expect(r.status).toBe('unknown');
    expect(r.ok).toBe(false);
  });
});
