// TXT records for ACME DNS-01 through each DDNS provider: RFC 2136 into a real BIND (read back over
// DNS), Cloudflare and DuckDNS against simulators of their documented APIs.
import { Resolver } from 'node:dns/promises';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DdnsSchema } from '../../../../server/agent/network/config.js';
import { cloudflareProvider } from '../../../../server/agent/network/ddns/cloudflare.js';
import { duckdnsProvider } from '../../../../server/agent/network/ddns/duckdns.js';
import { rfc2136Provider } from '../../../../server/agent/network/ddns/rfc2136.js';
import { httpClient } from '../../../../server/agent/network/http-client.js';
import { LifelineError } from '../../../../shared/protocol/errors.js';
import { startBind, type TestBind } from '../../../harness/bind.js';
import { type CloudflareSim, startCloudflareSim } from '../../../simulators/cloudflare.js';
import { type DuckDnsSim, startDuckDnsSim } from '../../../simulators/duckdns.js';

const CHALLENGE = '_acme-challenge.home.lifeline.test';
const VALUE_A = 'Xo0Rk1Jt6B9u6Yx3l8cX0a2QvJm1kY8oH3nV5sT7wZ4';
const VALUE_B = 'second-value-for-the-wildcard-order-0123456';

let bind: TestBind;
let cf: CloudflareSim;
let duck: DuckDnsSim;

async function txtAtBind(name: string): Promise<string[]> {
  const r = new Resolver({ timeout: 1000, tries: 1 });
  r.setServers([bind.server]);
  return (await r.resolveTxt(name).catch(() => [] as string[][])).map((chunks) => chunks.join('')).sort();
}

const rfc2136 = (key = bind.key) =>
  rfc2136Provider(
    v.parse(DdnsSchema, { provider: 'rfc2136', server: bind.server, zone: bind.zone, key }),
    'home.lifeline.test',
  );

beforeAll(async () => {
  bind = await startBind({ records: ['home IN A 198.51.100.1'] });
  cf = await startCloudflareSim();
  cf.zones.push({ id: 'zone-example', name: 'example.com' }, { id: 'zone-other', name: 'other.org' });
  cf.tokens.set('cf-good', ['example.com']);
  cf.tokens.set('cf-other-zone', ['other.org']);
  duck = await startDuckDnsSim('duck-token-1234', ['myhome']);
});

afterAll(async () => {
  await bind?.close();
  await cf?.close();
  await duck?.close();
});

describe('RFC 2136 TXT into a real BIND', () => {
  it('adds a TXT value that BIND then serves, beside a second one, and removes only the one asked', async () => {
    const p = rfc2136();
    await p.setTxt(CHALLENGE, VALUE_A);
    expect(await txtAtBind(CHALLENGE)).toEqual([VALUE_A]);
    await p.setTxt(CHALLENGE, VALUE_B);
    expect(await txtAtBind(CHALLENGE)).toEqual([VALUE_A, VALUE_B].sort());
    await p.removeTxt(CHALLENGE, VALUE_A);
    expect(await txtAtBind(CHALLENGE)).toEqual([VALUE_B]);
    await p.removeTxt(CHALLENGE, VALUE_B);
    expect(await txtAtBind(CHALLENGE)).toEqual([]);
    // The A record of the name itself is untouched.
    const r = new Resolver({ timeout: 1000, tries: 1 });
    r.setServers([bind.server]);
    expect(await r.resolve4('home.lifeline.test')).toEqual(['198.51.100.1']);
  });

  it('keeps a value longer than 255 bytes whole (split into character-strings)', async () => {
    const long = 'x'.repeat(300);
    await rfc2136().setTxt(CHALLENGE, long);
    expect(await txtAtBind(CHALLENGE)).toEqual([long]);
    await rfc2136().removeTxt(CHALLENGE, long);
    expect(await txtAtBind(CHALLENGE)).toEqual([]);
  });

  it('a wrong TSIG secret is a clear refusal, and nothing is written', async () => {
    const wrong = { ...bind.key, secret: Buffer.alloc(32, 7).toString('base64') };
    const err = await rfc2136(wrong)
      .setTxt(CHALLENGE, VALUE_A)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LifelineError);
    expect((err as LifelineError).code).toBe('refused');
    expect((err as LifelineError).message).toMatch(
      /rejected the TSIG key "lifeline-key".*BADSIG.*secret is wrong/,
    );
    expect((err as LifelineError).message).not.toContain(wrong.secret);
    expect(await txtAtBind(CHALLENGE)).toEqual([]);
  });

  it('an unknown key name is told apart from a wrong secret', async () => {
    const err = await rfc2136({ ...bind.key, name: 'nobody' })
      .setTxt(CHALLENGE, VALUE_A)
      .catch((e: unknown) => e);
    expect((err as LifelineError).message).toMatch(/BADKEY/);
  });
});

describe('Cloudflare TXT through the API', () => {
  const provider = (token: string) =>
    cloudflareProvider(
      v.parse(DdnsSchema, { provider: 'cloudflare', token, apiUrl: cf.url }),
      'home.example.com',
      httpClient,
    );
  const txt = () => cf.records.filter((r) => r.type === 'TXT').map((r) => `${r.name}=${r.content}`);

  it('creates the TXT record once, and deletes only the value asked', async () => {
    const p = provider('cf-good');
    await p.setTxt('_acme-challenge.home.example.com', VALUE_A);
    await p.setTxt('_acme-challenge.home.example.com', VALUE_A);
    await p.setTxt('_acme-challenge.home.example.com', VALUE_B);
    expect(txt().sort()).toEqual(
      [`_acme-challenge.home.example.com=${VALUE_A}`, `_acme-challenge.home.example.com=${VALUE_B}`].sort(),
    );
    await p.removeTxt('_acme-challenge.home.example.com', VALUE_A);
    expect(txt()).toEqual([`_acme-challenge.home.example.com=${VALUE_B}`]);
    await p.removeTxt('_acme-challenge.home.example.com', VALUE_B);
    expect(txt()).toEqual([]);
    expect(cf.requests.some((r) => r.method === 'DELETE')).toBe(true);
  });

  it('a token without access to the zone is a clear error', async () => {
    const err = await provider('cf-other-zone')
      .setTxt('_acme-challenge.home.example.com', VALUE_A)
      .catch((e: unknown) => e);
    expect((err as LifelineError).code).toBe('not-found');
    expect((err as LifelineError).message).toMatch(/no zone example.com visible to this token/);
    const bad = await provider('cf-wrong')
      .setTxt('_acme-challenge.home.example.com', VALUE_A)
      .catch((e: unknown) => e);
    expect((bad as LifelineError).code).toBe('refused');
    expect(txt()).toEqual([]);
  });
});

describe('DuckDNS TXT through the update API', () => {
  const provider = (token: string) =>
    duckdnsProvider(
      v.parse(DdnsSchema, { provider: 'duckdns', token, apiUrl: duck.url }),
      'myhome.duckdns.org',
      httpClient,
    );

  it('sets the domain’s TXT with txt= and clears it with clear=true', async () => {
    const p = provider('duck-token-1234');
    await p.setTxt('_acme-challenge.myhome.duckdns.org', VALUE_A);
    expect(duck.txt.get('myhome')).toBe(VALUE_A);
    const sent = duck.requests.at(-1)!;
    expect(sent.get('domains')).toBe('myhome');
    expect(sent.get('txt')).toBe(VALUE_A);
    await p.removeTxt('_acme-challenge.myhome.duckdns.org', VALUE_A);
    expect(duck.txt.has('myhome')).toBe(false);
    expect(duck.requests.at(-1)!.get('clear')).toBe('true');
    // The addresses are not touched by TXT requests.
    expect(duck.domains.get('myhome')).toEqual({ ipv4: '', ipv6: '' });
  });

  it('a wrong token is a clear refusal', async () => {
    const err = await provider('nope')
      .setTxt('_acme-challenge.myhome.duckdns.org', VALUE_A)
      .catch((e: unknown) => e);
    expect((err as LifelineError).code).toBe('refused');
    expect((err as LifelineError).message).toMatch(/KO/);
    expect(duck.txt.has('myhome')).toBe(false);
  });
});
