// The RFC 2136 client against a real BIND: a good key updates, a wrong secret or an unknown key name is
// refused with an error that says which, and the record is left alone.
import { Resolver } from 'node:dns/promises';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DdnsSchema } from '../../../../server/agent/network/config.js';
import { rfc2136Provider } from '../../../../server/agent/network/ddns/rfc2136.js';
import { LifelineError } from '../../../../shared/protocol/errors.js';
import { startBind, type TestBind } from '../../../harness/bind.js';

let bind: TestBind;

const provider = (key: { name: string; algorithm?: string; secret: string }, server = bind.server) =>
  rfc2136Provider(
    v.parse(DdnsSchema, { provider: 'rfc2136', record: 'www.lifeline.test', server, key }),
    'www.lifeline.test',
  );

async function answer(): Promise<string[]> {
  const r = new Resolver({ timeout: 1000, tries: 1 });
  r.setServers([bind.server]);
  return r.resolve4('www.lifeline.test').catch(() => []);
}

async function refusal(p: Promise<unknown>): Promise<LifelineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LifelineError);
  return err as LifelineError;
}

beforeAll(async () => {
  bind = await startBind({ records: ['www IN A 198.51.100.10'] });
});
afterAll(async () => {
  await bind?.close();
});

describe('RFC 2136 with TSIG against BIND', () => {
  it('finds the zone by itself, updates the record and reads it back', async () => {
    const p = provider(bind.key);
    expect(await p.current('ipv4')).toEqual(['198.51.100.10']);
    await p.update('ipv4', '203.0.113.20');
    expect(await p.verify('ipv4', '203.0.113.20')).toBe(true);
    expect(await answer()).toEqual(['203.0.113.20']);
    expect(await p.checkCredentials()).toContain('accepted');
    p.stop?.();
  });

  it('adds an AAAA record without touching the A record', async () => {
    const p = provider(bind.key);
    await p.update('ipv6', '2001:db8::7');
    expect(await p.current('ipv6')).toEqual(['2001:db8::7']);
    expect(await answer()).toEqual(['203.0.113.20']);
    p.stop?.();
  });

  it('rejects a wrong secret with a clear error, and changes nothing', async () => {
    const wrong = provider({ ...bind.key, secret: Buffer.alloc(32, 7).toString('base64') });
    const err = await refusal(wrong.update('ipv4', '192.0.2.66'));
    expect(err.code).toBe('refused');
    expect(err.message).toContain('rejected the TSIG key "lifeline-key"');
    expect(err.message).toContain('BADSIG');
    expect(await answer()).toEqual(['203.0.113.20']);
    expect((await refusal(wrong.checkCredentials())).message).toContain('BADSIG');
    wrong.stop?.();
  });

  it('rejects a key name the server does not know', async () => {
    const unknown = provider({ ...bind.key, name: 'nobody' });
    const err = await refusal(unknown.update('ipv4', '192.0.2.66'));
    expect(err.code).toBe('refused');
    expect(err.message).toContain('BADKEY');
    expect(await answer()).toEqual(['203.0.113.20']);
    unknown.stop?.();
  });

  it('says the server is unreachable when nothing listens', async () => {
    const down = provider(bind.key, '127.0.0.1:1');
    const err = await refusal(down.update('ipv4', '192.0.2.66'));
    expect(err.code).toBe('unreachable');
    expect(err.message).toContain('connection refused');
    down.stop?.();
  });
});
