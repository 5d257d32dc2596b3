// Several `lifeline relay` instances behind HAProxy (the shipped deploy/haproxy/haproxy.cfg),
// every party its own process on loopback. HAProxy hashes on the TLS server name; an agent with a
// name of its own links with that name as SNI once a relay in a cluster asks it to, so its link
// and its phones' connections land on one instance, and a killed instance's homes come back on
// the instances that now own their names. A phone that landed on an instance without the home's
// link would meet the relay's certificate (another CA) and fail: reaching a home proves the route.
// The instances share one PostgreSQL, and every home has a phone subscribed to its notifications
// (counted at the local HTTPS push service): a relay failover raises no notice for anyone, a home
// that really goes dark gets exactly one "offline" and one "back".
// LIFELINE_LONG=1: 50 homes (the figure) instead of 10.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../../shared/client/agent-client.js';
import { pairWithLink, waitFor } from '../../harness/agent.js';
import { runCli } from '../../harness/cli.js';
import { startPostgres, type TestPostgres } from '../../harness/postgres.js';
import {
  type PushService,
  payloadOf,
  startPushService,
  type TestSubscription,
} from '../../harness/push-service.js';
import {
  type ClusterHome,
  type ClusterRelay,
  type RelayCluster,
  startRelayCluster,
} from '../../harness/relay-cluster.js';

const HOMES = process.env.LIFELINE_LONG === '1' ? 50 : 10;
/**
 * Kill → every home reachable: HAProxy counts a dead instance down after 2 checks 1 s apart, and an
 * agent's link retries with backoff capped at 5 s (its first steps 0.5–1 s, 1–2 s, 1.5–3 s), so the
 * third retry at the latest finds the new owner; the rest is slack for a loaded machine.
 */
const RECONNECT_BOUND_MS = 15_000;

/**
 * An instance back: HAProxy counts it up after 2 checks and gives it its names back, while their
 * agents are still linked elsewhere; each agent checks every 10–20 s that a phone dialling its name
 * reaches it (link-route.ts), and links again at once when it does not.
 */
const REJOIN_BOUND_MS = 35_000;

/** Short offline timings, so a real outage is announced within the test (the relay's minimum is 5 s). */
const OFFLINE = { afterSeconds: 5, graceSeconds: 10 };

let cluster: RelayCluster;
let pg: TestPostgres;
let push: PushService;
const phones = new Map<string, { client: AgentClient; sub: TestSubscription }>();

beforeAll(async () => {
  pg = await startPostgres();
  push = await startPushService();
  cluster = await startRelayCluster({
    homes: HOMES,
    database: pg.url,
    offline: OFFLINE,
    relayCa: push.cert.ca,
  });
  // A phone per home, paired on the LAN (no relay involved), subscribed to home's notifications:
  // the subscriptions and sealed notices then reach the shared store over each home's link.
  for (const h of cluster.homes) {
    const pair = await runCli(['pair', '-c', h.configFile, '--json', '--url', h.lanUrl]);
    const link = (JSON.parse(pair.stdout) as { link: string }).link;
    const client = await pairWithLink(link, `phone of ${h.name}`);
    const sub = push.subscription(h.name);
    const r = await client.command('notify.subscribe', {
      args: { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, lang: 'en' },
    });
    expect(r.status).toBe('ok');
    phones.set(h.name, { client, sub });
  }
}, 300_000);

afterAll(async () => {
  for (const p of phones.values()) p.client.close();
  await cluster?.stop();
  await push?.close();
  await pg?.close();
}, 60_000);

/** The relays' notices about a home ("home.offline", "home.back", …) its phone received. */
const homeNotices = (home: ClusterHome): string[] => {
  const sub = phones.get(home.name)?.sub as TestSubscription;
  return push.received
    .filter((r) => r.path === new URL(sub.endpoint).pathname)
    .map((r) => payloadOf(sub, r.body)?.kind ?? 'empty')
    .filter((k) => k === 'empty' || k.startsWith('home.'));
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every home's link is held by exactly one live instance (the relays' logs say which). */
async function settled(): Promise<void> {
  await waitFor(
    () => cluster.homes.every((h) => cluster.linkHolder(h) !== undefined),
    20_000,
    'every home linked to exactly one instance',
  );
}

/**
 * A phone per home, all at once: each TLS connection to the home's name through HAProxy completes
 * with the home's own certificate (an instance without the home's link would answer with the
 * relay's, from another CA), and each instance passes through at least as many streams as it holds
 * links (agents' checks of their own names add a few for milliseconds).
 */
async function expectPhonesLandWithTheirLink(): Promise<void> {
  const phones = await Promise.allSettled(cluster.homes.map((h) => cluster.hold(h)));
  try {
    const failed = cluster.homes.filter((_, i) => phones[i]!.status === 'rejected').map((h) => h.name);
    expect(failed).toEqual([]);
    for (const r of cluster.relays.filter((x) => !x.dead))
      expect(await r.pipesOpen(), r.instance).toBeGreaterThanOrEqual(r.linked().size);
  } finally {
    for (const p of phones) if (p.status === 'fulfilled') p.value.close();
  }
}

describe(`${HOMES} homes, three relay instances behind HAProxy`, () => {
  it('reaches every home by its name, on the instance that holds its link, spread over the instances', async () => {
    await cluster.waitAllReachable(30_000);
    await settled();
    const perInstance = cluster.relays.map((r) => r.linked().size);
    expect(perInstance.reduce((a, b) => a + b)).toBe(HOMES);
    // Consistent hashing on the names spreads them (10 names on one of 3 instances: p ≈ 5e-5).
    expect(perInstance.filter((n) => n > 0).length).toBeGreaterThan(1);
    await expectPhonesLandWithTheirLink();
  }, 120_000);

  it('kill -9 of an instance: its homes are reachable again within the reconnect bound, the others never lost', async () => {
    const victim = [...cluster.relays].sort((a, b) => b.linked().size - a.linked().size)[0]!;
    const moved = cluster.homes.filter((h) => victim.linked().has(h.homeId.slice(0, 8)));
    const stayed = cluster.homes.filter((h) => !moved.includes(h));
    expect(moved.length).toBeGreaterThan(0);
    victim.kill();
    const t0 = Date.now();
    // Homes on the other instances do not notice.
    expect(await Promise.all(stayed.map((h) => cluster.reach(h)))).toEqual(stayed.map(() => true));
    await cluster.waitAllReachable(RECONNECT_BOUND_MS);
    const took = Date.now() - t0;
    expect(took).toBeLessThan(RECONNECT_BOUND_MS);
    await settled();
    for (const h of moved) expect(cluster.linkHolder(h)?.dead, h.name).toBe(false);
    const server = `relay${cluster.relays.indexOf(victim) + 1}`;
    await waitFor(
      async () => (await cluster.lb.serversUp())[server] === false,
      10_000,
      'HAProxy counts it down',
    );
    await expectPhonesLandWithTheirLink();
  }, 120_000);

  it('the instance comes back: the names it owns again return to it, and their homes follow', async () => {
    const back = cluster.relays.find((r) => r.dead) as ClusterRelay;
    await back.restart();
    const server = `relay${cluster.relays.indexOf(back) + 1}`;
    await waitFor(async () => (await cluster.lb.serversUp())[server], 10_000, 'HAProxy counts it up');
    await cluster.waitAllReachable(REJOIN_BOUND_MS);
    await settled();
    expect(back.linked().size).toBeGreaterThan(0);
    await expectPhonesLandWithTheirLink();
  }, 120_000);

  it('no notice for a relay failover; a home really dark meanwhile: one "offline", one "back"', async () => {
    await settled();
    // The biggest instance dies, and at the same moment one home on another instance goes dark.
    const victim = [...cluster.relays].sort((a, b) => b.linked().size - a.linked().size)[0]!;
    const dark = cluster.homes.find((h) => {
      const holder = cluster.linkHolder(h);
      return holder !== undefined && holder !== victim;
    }) as ClusterHome;
    expect(dark).toBeDefined();
    const before = new Map(cluster.homes.map((h) => [h.name, homeNotices(h).length]));
    victim.kill();
    cluster.killHome(dark);
    const killedAt = Date.now();
    const others = cluster.homes.filter((h) => h !== dark);
    await waitFor(
      async () => (await Promise.all(others.map((h) => cluster.reach(h, 1000)))).every(Boolean),
      RECONNECT_BOUND_MS,
      'every other home reachable again',
    );
    // Past the offline limit and the grace, with slack for the announcement to go out.
    await sleep(
      Math.max(0, killedAt + (OFFLINE.afterSeconds + OFFLINE.graceSeconds + 8) * 1000 - Date.now()),
    );
    const since = (h: ClusterHome) => homeNotices(h).slice(before.get(h.name) ?? 0);
    expect(since(dark)).toEqual(['home.offline']);
    for (const h of others) expect(since(h), h.name).toEqual([]);

    await cluster.restartHome(dark);
    await waitFor(() => since(dark).length >= 2, 30_000, '"back" for the dark home');
    await sleep(3000);
    expect(since(dark)).toEqual(['home.offline', 'home.back']);
    for (const h of others) expect(since(h), h.name).toEqual([]);
    await victim.restart();
  }, 180_000);
});
