// The public address from several independent sources: a UPnP router (simulated IGD), HTTPS echo
// endpoints over IPv4 and IPv6, and the relay's view — which agree, which do not, and what is refused.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DnsName, PublicIp } from '../../../../shared/protocol/network.js';
import { ManualClock, startTestAgent, type TestAgent, waitFor } from '../../../harness/agent.js';
import { startBind, type TestBind } from '../../../harness/bind.js';
import { makeCerts, type TestCerts } from '../../../harness/tls.js';
import { type EchoServer, startEchoServer } from '../../../simulators/echo-server.js';
import { startNatPmpGateway } from '../../../simulators/natpmp.js';
import { startUpnpGateway, type UpnpGateway } from '../../../simulators/upnp-igd.js';

let certs: TestCerts;
let t: TestAgent | undefined;
const closers: (() => Promise<void>)[] = [];

async function echo(
  mode: Parameters<typeof startEchoServer>[1],
  host?: '127.0.0.1' | '::1',
): Promise<EchoServer> {
  const e = await startEchoServer(certs, mode, host);
  closers.push(() => e.close());
  return e;
}

async function gateway(ip: string): Promise<UpnpGateway> {
  const g = await startUpnpGateway(ip);
  closers.push(() => g.close());
  return g;
}

function agent(publicIp: Record<string, unknown>, extra: Record<string, unknown> = {}, clock?: ManualClock) {
  return startTestAgent({
    yaml: JSON.stringify({
      listen: { host: '127.0.0.1', port: 0 },
      network: {
        names: [],
        resolvers: ['127.0.0.1:1'],
        publicIp: { router: false, relay: false, intervalSeconds: 1, ...publicIp },
        checkIntervalSeconds: 1,
        ...extra,
      },
    }),
    ...(clock ? { clock } : {}),
  });
}

const ip = (family: 'ipv4' | 'ipv6') =>
  t!.agent.state.get('network.public-ip', family) as PublicIp | undefined;
const withCa = (e: EchoServer, family = 'ipv4') => ({ url: e.url, family, ca: certs.caFile });

beforeAll(() => {
  certs = makeCerts();
});
afterEach(async () => {
  await t?.close();
  t = undefined;
  for (const c of closers.splice(0)) await c();
});
afterAll(() => certs?.remove());

describe('public address sources', () => {
  it('asks the router over UPnP-IGD and shows it agreeing with the echo endpoints', async () => {
    const g = await gateway('203.0.113.5');
    const e = await echo({ address: '203.0.113.5' });
    t = await agent({ router: { upnp: g.location, natpmp: false }, echo: [withCa(e)] });
    const p = await waitFor(
      () => (ip('ipv4')?.agree.length === 2 ? ip('ipv4') : undefined),
      20_000,
      'two sources',
    );
    expect(p!.address).toBe('203.0.113.5');
    expect(p!.agree.sort()).toEqual([`echo:${new URL(e.url).host}`, 'router:upnp']);
  });

  it('asks the router over NAT-PMP, and says so when the router has it switched off', async () => {
    const g = await startNatPmpGateway('203.0.113.6');
    closers.push(() => g.close());
    t = await agent({ router: { upnp: false, natpmp: g.host }, echo: [] });
    await waitFor(() => ip('ipv4')?.address, 20_000, 'an address from NAT-PMP');
    expect(ip('ipv4')).toMatchObject({ address: '203.0.113.6', agree: ['router:natpmp'] });
    g.resultCode = 2;
    const natpmp = () => ip('ipv4')?.sources.find((x) => x.source === 'router:natpmp');
    await waitFor(() => natpmp()?.error, 20_000, 'a refusal');
    expect(natpmp()!.error).toContain('Not Authorized/Refused');
    expect(ip('ipv4')!.sources).toHaveLength(1);
    expect(ip('ipv4')!.address).toBe('203.0.113.6');
  });

  it('takes the address most sources agree on and lists the one that disagrees', async () => {
    const a = await echo({ address: '203.0.113.5' });
    const b = await echo({ address: '203.0.113.5' });
    const c = await echo({ address: '192.0.2.200' });
    t = await agent({ echo: [withCa(a), withCa(b), withCa(c)] });
    const p = await waitFor(
      () => (ip('ipv4')?.sources.length === 3 ? ip('ipv4') : undefined),
      20_000,
      'three readings',
    );
    expect(p!.address).toBe('203.0.113.5');
    expect(p!.agree).toHaveLength(2);
    expect(p!.disagree).toEqual([{ source: `echo:${new URL(c.url).host}`, address: '192.0.2.200' }]);
  });

  it('refuses garbage, private addresses, error pages and untrusted certificates — each with its reason', async () => {
    const good = await echo({ address: '203.0.113.5' });
    const html = await echo({ status: 200, body: '<html>captive portal</html>' });
    const priv = await echo({ address: '192.168.1.20' });
    const error = await echo({ status: 503, body: 'busy' });
    const untrusted = await echo({ address: '203.0.113.5' });
    t = await agent({
      echo: [withCa(good), withCa(html), withCa(priv), withCa(error), { url: untrusted.url, family: 'ipv4' }],
    });
    const p = await waitFor(
      () => (ip('ipv4')?.sources.length === 5 ? ip('ipv4') : undefined),
      20_000,
      'five readings',
    );
    const why = (e: EchoServer) => p!.sources.find((s) => s.source === `echo:${new URL(e.url).host}`)?.error;
    expect(p!.address).toBe('203.0.113.5');
    expect(why(html)).toBe('the reply is not a single address');
    expect(why(priv)).toBe('the reply 192.168.1.20 is a private address');
    expect(why(error)).toBe('HTTP 503');
    expect(why(untrusted)).toMatch(/TLS certificate not trusted/);
  });

  it('warns when the router’s WAN address is carrier-grade NAT', async () => {
    const g = await gateway('100.64.12.34');
    const e = await echo({ address: '203.0.113.5' });
    t = await agent({ router: { upnp: g.location, natpmp: false }, echo: [withCa(e)] });
    const p = await waitFor(() => (ip('ipv4')?.warning ? ip('ipv4') : undefined), 20_000, 'a CGNAT warning');
    expect(p!.warning).toContain('carrier-grade NAT');
    expect(p!.address).toBe('203.0.113.5');
  });

  it('reads IPv6 separately, from an endpoint reached over IPv6', async () => {
    const v4 = await echo({ address: '203.0.113.5' });
    const v6 = await echo({ address: '2001:db8:0:0::5' }, '::1');
    t = await agent({ echo: [withCa(v4), withCa(v6, 'ipv6')] });
    await waitFor(() => ip('ipv6')?.address, 20_000, 'public IPv6');
    expect(ip('ipv6')!.address).toBe('2001:db8::5');
    expect(ip('ipv4')!.address).toBe('203.0.113.5');
  });

  it('counts the relay’s view as a source as soon as the relay link publishes it', async () => {
    const e = await echo({ address: '203.0.113.5' });
    t = await agent({ relay: true, intervalSeconds: 3600, echo: [withCa(e)] });
    await waitFor(() => ip('ipv4')?.address, 20_000, 'first reading');
    expect(ip('ipv4')!.sources.find((s) => s.source === 'relay')?.error).toBe('not connected to the relay');
    t.agent.state.set('relay', 'link', {
      connected: true,
      url: 'ws://relay.test',
      since: 0,
      observedAddress: '203.0.113.5',
    });
    await waitFor(() => ip('ipv4')?.agree.includes('relay'), 20_000, 'relay agreeing');
  });

  it('never takes an address from the relay alone: it only corroborates another source', async () => {
    const e = await echo({ status: 503, body: 'down' });
    t = await agent({ relay: true, intervalSeconds: 1, echo: [withCa(e)] });
    t.agent.state.set('relay', 'link', {
      connected: true,
      url: 'ws://relay.test',
      since: 0,
      observedAddress: '198.51.100.9',
    });
    await waitFor(
      () => ip('ipv4')?.sources.find((s) => s.source === 'relay')?.address,
      20_000,
      'the relay’s reading',
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(ip('ipv4')!.address).toBeNull();
    e.mode = { address: '198.51.100.9' };
    await waitFor(() => ip('ipv4')?.address === '198.51.100.9', 20_000, 'the address, now corroborated');
    expect(ip('ipv4')!.agree).toEqual(expect.arrayContaining(['relay']));
  });

  it('recovers by itself, well before the next regular round, when the echo endpoints come back', async () => {
    const e = await echo({ status: 503, body: 'down' });
    t = await agent({ intervalSeconds: 60, echo: [withCa(e)] });
    await waitFor(() => ip('ipv4')?.sources[0]?.error, 20_000, 'a failed round');
    expect(ip('ipv4')!.address).toBeNull();
    e.mode = { address: '203.0.113.5' };
    // The regular round is 60 s away; a blind agent asks again within seconds.
    await waitFor(() => ip('ipv4')?.address, 30_000, 'the address after recovery');
  });

  it('remembers the address across restarts and reports the change found after a power cut', async () => {
    const e = await echo({ address: '203.0.113.5' });
    t = await agent({ echo: [withCa(e)] });
    await waitFor(() => ip('ipv4')?.address, 20_000, 'first address');
    expect(t.agent.events.list({ limit: 10, kind: 'network.ip-changed' })).toEqual([]);
    await t.stop();
    e.mode = { address: '203.0.113.77' };
    await t.restart();
    expect(ip('ipv4')?.address).toBe('203.0.113.5');
    await waitFor(
      () => t!.agent.events.list({ limit: 10, kind: 'network.ip-changed' }).length > 0,
      20_000,
      'change',
    );
    expect(t.agent.events.list({ limit: 10, kind: 'network.ip-changed' })[0]!.data).toMatchObject({
      from: '203.0.113.5',
      to: '203.0.113.77',
    });
  });
});

describe('DNS staleness', () => {
  let bind: TestBind;
  beforeAll(async () => {
    bind = await startBind({ records: ['home IN A 198.51.100.1'] });
  });
  afterAll(async () => {
    await bind?.close();
  });

  it('turns a mismatch that outlives the longest TTL plus the grace period into one dns.stale event', async () => {
    const clock = new ManualClock();
    const e = await echo({ address: '203.0.113.5' });
    t = await agent(
      { echo: [withCa(e)] },
      { names: ['home.lifeline.test'], resolvers: [bind.server], staleGraceSeconds: 120 },
      clock,
    );
    const name = () => t!.agent.state.get('network.name', 'home.lifeline.test') as DnsName | undefined;
    const first = await waitFor(
      () => (name()?.status === 'mismatch' ? name() : undefined),
      20_000,
      'mismatch',
    );
    expect(first!.staleAt).toBe(first!.since + 60_000 + 120_000);
    clock.advance(170_000);
    await new Promise((r) => setTimeout(r, 2500));
    expect(name()!.status).toBe('mismatch');
    expect(t.agent.events.list({ limit: 10, kind: 'network.dns-stale' })).toEqual([]);
    clock.advance(20_000);
    await waitFor(() => name()?.status === 'stale', 20_000, 'stale');
    await new Promise((r) => setTimeout(r, 2500));
    const stale = t.agent.events.list({ limit: 10, kind: 'network.dns-stale' });
    expect(stale).toHaveLength(1);
    expect(stale[0]!.message).toBe(
      `home.lifeline.test still points at 198.51.100.1 instead of 203.0.113.5 (${bind.server})`,
    );
  });
});
