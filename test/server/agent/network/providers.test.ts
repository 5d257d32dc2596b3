// Cloudflare and DuckDNS through the production clients, against simulators of their documented APIs;
// the force update from a paired device; and `lifeline check` rows for the credentials.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DdnsSchema } from '../../../../server/agent/network/config.js';
import { duckdnsProvider } from '../../../../server/agent/network/ddns/duckdns.js';
import { httpClient } from '../../../../server/agent/network/http-client.js';
import { LifelineError } from '../../../../shared/protocol/errors.js';
import type { DdnsRecord } from '../../../../shared/protocol/network.js';
import { pairDevice, startTestAgent, type TestAgent, waitFor } from '../../../harness/agent.js';
import { tempDir } from '../../../harness/temp.js';
import { makeCerts, type TestCerts } from '../../../harness/tls.js';
import { type CloudflareSim, startCloudflareSim } from '../../../simulators/cloudflare.js';
import { type DuckDnsSim, startDuckDnsSim } from '../../../simulators/duckdns.js';
import { type EchoServer, startEchoServer } from '../../../simulators/echo-server.js';

const TOKEN = 'cf-token-0123456789abcdef';
const PUBLIC = '203.0.113.44';
let certs: TestCerts;
let echo: EchoServer;
let cf: CloudflareSim;
let duck: DuckDnsSim;
const tmp = tempDir();
let t: TestAgent | undefined;

function agentWith(ddns: Record<string, unknown>, names: string[]) {
  return startTestAgent({
    yaml: JSON.stringify({
      listen: { host: '127.0.0.1', port: 0 },
      network: {
        names,
        resolvers: ['127.0.0.1:1'],
        publicIp: {
          echo: [{ url: echo.url, family: 'ipv4', ca: certs.caFile }],
          router: false,
          relay: false,
          intervalSeconds: 1,
        },
        checkIntervalSeconds: 1,
        ddns,
      },
    }),
  });
}

const events = (kind: string) => t!.agent.events.list({ limit: 200, kind }).reverse();

beforeAll(async () => {
  certs = makeCerts();
  echo = await startEchoServer(certs, { address: PUBLIC });
  cf = await startCloudflareSim();
  cf.zones.push({ id: 'zone-example', name: 'example.com' });
  cf.tokens.set(TOKEN, ['example.com']);
  cf.records.push({
    id: 'rec-home',
    zone_id: 'zone-example',
    zone_name: 'example.com',
    name: 'home.example.com',
    type: 'A',
    content: '198.51.100.3',
    proxied: false,
    ttl: 60,
    created_on: new Date().toISOString(),
    modified_on: new Date().toISOString(),
  });
  duck = await startDuckDnsSim('duck-token-1234', ['myhome']);
});

afterEach(async () => {
  await t?.close();
  t = undefined;
});

afterAll(async () => {
  await echo?.close();
  await cf?.close();
  await duck?.close();
  certs?.remove();
  tmp.remove();
});

describe('Cloudflare', () => {
  it('patches the record to the public address with a token read from a file, and reads it back', async () => {
    const tokenFile = path.join(tmp.dir, 'cf-token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    t = await agentWith({ provider: 'cloudflare', tokenFile, apiUrl: cf.url }, ['home.example.com']);
    const [updated] = await waitFor(
      () => {
        const e = events('network.ddns-updated');
        return e.length > 0 ? e : undefined;
      },
      20_000,
      'network.ddns-updated',
    );
    expect(updated!.data).toMatchObject({
      provider: 'cloudflare',
      from: ['198.51.100.3'],
      to: PUBLIC,
      verified: true,
    });
    expect(cf.records.find((r) => r.id === 'rec-home')?.content).toBe(PUBLIC);
    expect(cf.requests.some((r) => r.method === 'PATCH' && r.path.endsWith('/dns_records/rec-home'))).toBe(
      true,
    );
    expect(cf.requests.every((r) => r.auth === `Bearer ${TOKEN}`)).toBe(true);

    // Update only on change: the next rounds find the record right and send nothing.
    const patches = cf.requests.filter((r) => r.method === 'PATCH').length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(cf.requests.filter((r) => r.method === 'PATCH').length).toBe(patches);

    const rows = await t.agent.check();
    expect(rows.find((r) => r.name === 'DDNS home.example.com')).toMatchObject({
      status: 'ok',
      detail: 'cloudflare: API token active; zone example.com found',
    });
    const everything = JSON.stringify([t.agent.state.snapshot(), t.agent.events.list({ limit: 500 }), rows]);
    expect(everything).not.toContain(TOKEN);
  });

  it('creates the record when the zone has none', async () => {
    t = await agentWith(
      { provider: 'cloudflare', token: TOKEN, apiUrl: cf.url, record: 'new.example.com' },
      [],
    );
    await waitFor(() => cf.records.find((r) => r.name === 'new.example.com'), 20_000, 'a created record');
    expect(cf.records.find((r) => r.name === 'new.example.com')).toMatchObject({
      type: 'A',
      content: PUBLIC,
      proxied: false,
    });
  });

  it('does not judge a Cloudflare-proxied name by its DNS answers', async () => {
    cf.records.push({
      ...cf.records.find((r) => r.id === 'rec-home')!,
      id: 'rec-shop',
      name: 'shop.example.com',
      content: '198.51.100.8',
      proxied: true,
    });
    t = await agentWith(
      { provider: 'cloudflare', token: TOKEN, apiUrl: cf.url, record: 'shop.example.com' },
      [],
    );
    await waitFor(
      () => cf.records.find((r) => r.id === 'rec-shop')?.content === PUBLIC,
      20_000,
      'proxied record updated',
    );
    await waitFor(
      () => (t!.agent.state.get('network.ddns', 'shop.example.com') as DdnsRecord | undefined)?.proxied,
      20_000,
      'proxied flag',
    );
    const name = await waitFor(
      () => {
        const n = t!.agent.state.get('network.name', 'shop.example.com') as
          | { note?: string; status: string }
          | undefined;
        return n?.note ? n : undefined;
      },
      20_000,
      'a proxied note',
    );
    expect(name.status).toBe('unknown');
    expect(name.note).toContain('proxied by Cloudflare');
  });

  it('reports a rejected token in the event log and keeps retrying; check fails', async () => {
    t = await agentWith({ provider: 'cloudflare', token: 'wrong-token', apiUrl: cf.url }, [
      'home.example.com',
    ]);
    const failed = await waitFor(
      () => {
        const e = events('network.ddns-failed');
        return e.length >= 2 ? e : undefined;
      },
      20_000,
      'two failed attempts',
    );
    expect(failed[0]!.message).toContain(
      'Cloudflare rejected the API token: Authentication error (code 10000)',
    );
    expect((t.agent.state.get('network.ddns', 'home.example.com') as DdnsRecord).status).toBe('retrying');
    const rows = await t.agent.check();
    expect(rows.find((r) => r.name === 'DDNS home.example.com')).toMatchObject({
      status: 'fail',
      detail: 'cloudflare: Cloudflare rejected the API token: Invalid API Token (code 1000)',
    });
  });

  it('lets a paired device force an update, audited, without a confirmation', async () => {
    cf.records.find((r) => r.id === 'rec-home')!.content = '198.51.100.3';
    t = await agentWith({ provider: 'cloudflare', token: TOKEN, apiUrl: cf.url }, ['home.example.com']);
    await waitFor(() => events('network.ddns-updated').length > 0, 20_000, 'first update');
    const { client } = await pairDevice(t);
    const r = await client.command('network.ddns-update', { target: 'home.example.com', args: {} });
    expect(r.status).toBe('ok');
    expect((r as { data: DdnsRecord }).data).toMatchObject({ record: 'home.example.com', status: 'in-sync' });
    const forced = events('network.ddns-updated').at(-1)!;
    expect(forced.data).toMatchObject({ forced: true, to: PUBLIC });
    const unknown = await client.command('network.ddns-update', { target: 'nope.example.com', args: {} });
    expect(unknown).toMatchObject({ status: 'error', error: { code: 'not-found' } });
    const audit = t.agent.db
      .prepare("SELECT action, target, decision, outcome FROM audit WHERE action = 'network.ddns-update'")
      .all();
    expect(audit).toEqual([
      { action: 'network.ddns-update', target: 'home.example.com', decision: 'allowed', outcome: 'ok' },
      { action: 'network.ddns-update', target: 'nope.example.com', decision: 'refused', outcome: 'refused' },
    ]);
    client.close();
  });
});

describe('DuckDNS', () => {
  const provider = (token: string) =>
    duckdnsProvider(
      v.parse(DdnsSchema, { provider: 'duckdns', token, apiUrl: duck.url }),
      'myhome.duckdns.org',
      httpClient,
    );

  it('updates IPv4 and IPv6 and verifies through the verbose reply', async () => {
    const p = provider('duck-token-1234');
    await p.update('ipv4', PUBLIC);
    expect(await p.verify('ipv4', PUBLIC)).toBe(true);
    await p.update('ipv6', '2001:db8::44');
    expect(await p.verify('ipv6', '2001:db8::44')).toBe(true);
    expect(duck.domains.get('myhome')).toEqual({ ipv4: PUBLIC, ipv6: '2001:db8::44' });
    expect(duck.requests.at(-1)?.get('domains')).toBe('myhome');
    expect(await p.checkCredentials()).toBe('token accepted');
    expect(duck.domains.get('myhome')).toEqual({ ipv4: PUBLIC, ipv6: '2001:db8::44' });
  });

  it('turns KO into a clear refusal', async () => {
    const err = await provider('wrong')
      .update('ipv4', PUBLIC)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LifelineError);
    expect((err as LifelineError).code).toBe('refused');
    expect((err as LifelineError).message).toContain('DuckDNS answered KO');
  });

  it('keeps a DuckDNS name pointed at home from the agent', async () => {
    duck.domains.set('myhome', { ipv4: '198.51.100.9', ipv6: '' });
    t = await agentWith({ provider: 'duckdns', token: 'duck-token-1234', apiUrl: duck.url }, [
      'myhome.duckdns.org',
    ]);
    await waitFor(() => duck.domains.get('myhome')?.ipv4 === PUBLIC, 20_000, 'DuckDNS updated');
    const [e] = events('network.ddns-updated');
    expect(e!.data).toMatchObject({ provider: 'duckdns', to: PUBLIC, verified: true });
    expect(JSON.stringify(t.agent.events.list({ limit: 100 }))).not.toContain('duck-token-1234');
  });
});
