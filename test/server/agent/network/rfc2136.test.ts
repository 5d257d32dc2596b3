// The whole chain against a real BIND: HTTPS echo endpoints report a new public address → the agent
// records the change → the name no longer matches → an RFC 2136 update signed with TSIG → BIND
// answers the new address → match. And the worst day: BIND down meanwhile, a wrong key.
import { Resolver } from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityKind } from '../../../../shared/protocol/vocabulary.js';
import { startTestAgent, type TestAgent, waitFor } from '../../../harness/agent.js';
import { startBind, type TestBind } from '../../../harness/bind.js';
import { makeCerts, type TestCerts } from '../../../harness/tls.js';
import { type EchoServer, startEchoServer } from '../../../simulators/echo-server.js';

const OLD = '198.51.100.1';
const NEW = '203.0.113.7';
const LATER = '203.0.113.99';
const NAME = 'home.lifeline.test';

let bind: TestBind;
let certs: TestCerts;
let echoes: EchoServer[] = [];
let t: TestAgent;

async function bindAnswer(name: string): Promise<string[]> {
  const r = new Resolver({ timeout: 1000, tries: 1 });
  r.setServers([bind.server]);
  return r.resolve4(name).catch(() => []);
}

function setEcho(address: string): void {
  for (const e of echoes) e.mode = { address };
}

const events = (kind: string) => t.agent.events.list({ limit: 500, kind }).reverse();
const state = <K extends EntityKind>(kind: K, id: string) => t.agent.state.get(kind, id);

beforeAll(async () => {
  certs = makeCerts();
  bind = await startBind({ records: [`home IN A ${OLD}`, 'other IN A 198.51.100.50'] });
  echoes = [await startEchoServer(certs, { address: OLD }), await startEchoServer(certs, { address: OLD })];
  const config = {
    home: { name: 'Net test' },
    listen: { host: '127.0.0.1', port: 0 },
    network: {
      names: [NAME],
      resolvers: [bind.server, `authoritative:${bind.port}`],
      publicIp: {
        echo: echoes.map((e) => ({ url: e.url, family: 'ipv4', ca: certs.caFile })),
        router: false,
        relay: false,
        intervalSeconds: 1,
      },
      checkIntervalSeconds: 1,
      ddns: {
        provider: 'rfc2136',
        record: NAME,
        zone: bind.zone,
        server: bind.server,
        key: bind.key,
        ttl: 60,
      },
    },
  };
  t = await startTestAgent({ yaml: JSON.stringify(config) });
});

afterAll(async () => {
  await t?.close();
  for (const e of echoes) await e.close();
  await bind?.close();
  certs?.remove();
});

describe('public address, DNS and RFC 2136 against a real BIND', () => {
  it('learns the public address from the HTTPS echo endpoints, and shows which agree', async () => {
    const ip = await waitFor(
      () => {
        const p = state('network.public-ip', 'ipv4');
        return p?.address ? p : undefined;
      },
      20_000,
      'public IPv4',
    );
    expect(ip.address).toBe(OLD);
    expect(ip.agree).toHaveLength(2);
    expect(ip.agree.every((s) => s.startsWith('echo:127.0.0.1:'))).toBe(true);
    expect(ip.disagree).toEqual([]);
  });

  it('resolves the name through each resolver, the zone’s name servers included, with TTLs', async () => {
    const dns = await waitFor(
      () => {
        const d = state('network.name', NAME);
        return d?.status === 'match' ? d : undefined;
      },
      20_000,
      'a matching name',
    );
    const labels = dns.resolvers.map((r) => r.resolver);
    expect(labels).toContain(bind.server);
    expect(labels).toContain('authoritative ns1.lifeline.test (127.0.0.1)');
    for (const r of dns.resolvers) {
      expect(r.status).toBe('match');
      expect(r.a).toEqual([{ address: OLD, ttl: 60 }]);
    }
    // In sync from the start: the updater's first check finds the record right, and sends no update.
    await waitFor(() => state('network.ddns', NAME)?.status === 'in-sync', 20_000, 'the first DDNS check');
    expect(events('network.ddns-updated')).toEqual([]);
  });

  it('follows a new public address: change event → mismatch → signed update → BIND answers it → match', async () => {
    setEcho(NEW);
    const [changed] = await waitFor(
      () => {
        const e = events('network.ip-changed');
        return e.length > 0 ? e : undefined;
      },
      20_000,
      'network.ip-changed',
    );
    expect(changed!.data).toMatchObject({ family: 'ipv4', from: OLD, to: NEW });
    expect(String(changed!.data?.firstSource)).toMatch(/^echo:/);

    const [updated] = await waitFor(
      () => {
        const e = events('network.ddns-updated');
        return e.length > 0 ? e : undefined;
      },
      20_000,
      'network.ddns-updated',
    );
    // The record was seen to differ (the mismatch) and was replaced, then read back from BIND.
    expect(updated!.data).toMatchObject({
      record: NAME,
      provider: 'rfc2136',
      from: [OLD],
      to: NEW,
      verified: true,
    });
    expect(await bindAnswer(NAME)).toEqual([NEW]);

    await waitFor(() => state('network.name', NAME)?.status === 'match', 20_000, 'match again');
    const ip = state('network.public-ip', 'ipv4')!;
    expect(ip.history[0]).toMatchObject({ from: OLD, to: NEW, firstSource: changed!.data?.firstSource });
  });

  it('keeps retrying while the DNS server is down and updates once it is back — nothing lost', async () => {
    const before = t.agent.events.list({ limit: 1 })[0]?.id ?? 0;
    await bind.stop();
    setEcho(LATER);
    await waitFor(
      () => events('network.ip-changed').some((e) => e.data?.to === LATER),
      20_000,
      'second change',
    );
    const failures = await waitFor(
      () => {
        const f = events('network.ddns-failed').filter((e) => e.id > before);
        return f.filter((e) => e.data?.to === LATER).length >= 3 ? f : undefined;
      },
      40_000,
      'three failed attempts for the new address',
    );
    // One warning for the outage, then each retry recorded quietly, with a growing attempt count.
    expect(failures.map((f) => f.severity)).toEqual(['warning', ...failures.slice(1).map(() => 'info')]);
    expect(failures.map((f) => f.data?.attempt)).toEqual(failures.map((_, i) => i + 1));
    expect(String(failures[0]!.data?.error)).toMatch(/connection refused|no answer/);
    const rec = state('network.ddns', NAME)!;
    expect(rec.status).toBe('retrying');
    expect(rec.desired.ipv4).toBe(LATER);
    expect(rec.nextRetryAt).toBeGreaterThan(Date.now() - 1000);
    const dns = state('network.name', NAME)!;
    expect(dns.resolvers.every((r) => r.status === 'error')).toBe(true);

    await bind.start();
    await waitFor(() => events('network.ddns-recovered').length > 0, 60_000, 'network.ddns-recovered');
    expect(await bindAnswer(NAME)).toEqual([LATER]);
    await waitFor(() => state('network.name', NAME)?.status === 'match', 20_000, 'match after recovery');
    expect(state('network.ddns', NAME)).toMatchObject({ status: 'in-sync', failures: 0 });
  });

  it('never shows the TSIG secret in state, events or the audit log', async () => {
    const everything = JSON.stringify([
      t.agent.state.snapshot(),
      t.agent.events.list({ limit: 1000 }),
      t.agent.db.prepare('SELECT * FROM audit').all(),
    ]);
    expect(everything).not.toContain(bind.key.secret);
  });
});
