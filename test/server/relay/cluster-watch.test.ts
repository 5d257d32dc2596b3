// The dead-man's switch of a relay cluster: two `lifeline relay` processes share one PostgreSQL.
// A relay failover (the instance holding a home's link killed, the agent relinked to the other
// within the grace) raises no notice at all; a home that really goes away gets exactly one
// "offline" and, when it returns, exactly one "back" — whichever instances watch it. Counted at
// the local HTTPS push service, decrypted with the phone's keys.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pairWithLink, prepareAgentDir, waitFor } from '../../harness/agent.js';
import { runCli, startCli } from '../../harness/cli.js';
import { sql, startClusterRelay, startFront } from '../../harness/pg-cluster.js';
import { startPostgres } from '../../harness/postgres.js';
import {
  type PushService,
  payloadOf,
  startPushService,
  type TestSubscription,
} from '../../harness/push-service.js';

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

const OFFLINE = { afterSeconds: 5, graceSeconds: 10 };

const kinds = (svc: PushService, sub: TestSubscription) =>
  svc.received
    .filter((r) => r.path === new URL(sub.endpoint).pathname)
    .map((r) => payloadOf(sub, r.body)?.kind ?? 'empty');
const count = (svc: PushService, sub: TestSubscription, kind: string) =>
  kinds(svc, sub).filter((k) => k === kind).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two relays on one PostgreSQL, a front sending the home to relay-a, an agent (a process) and its phone. */
async function cluster() {
  const pgs = await startPostgres();
  cleanup.push(() => pgs.close());
  const push = await startPushService();
  cleanup.push(() => push.close());
  const prepared = await prepareAgentDir();
  cleanup.push(prepared.remove);
  const homeId = prepared.homeId;
  const opts = { database: pgs.url, homes: [homeId], ca: push.cert.ca, offline: OFFLINE };
  const a = await startClusterRelay({ name: 'relay-a', ...opts });
  cleanup.push(() => a.close());
  const b = await startClusterRelay({ name: 'relay-b', ...opts });
  cleanup.push(() => b.close());
  // What HAProxy's hash of the home's name does: this home's connections go to one instance.
  const front = await startFront(a.port);
  cleanup.push(() => front.close());
  const holder = async () =>
    (
      await sql<{ online: number; link_instance: string }>(pgs.url, 'SELECT * FROM homes WHERE id = $1', [
        homeId,
      ])
    )[0];

  const file = path.join(prepared.dir, 'lifeline.yaml');
  writeFileSync(
    file,
    `home: { name: Cabin }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${front.url}", heartbeatSeconds: 2 }\n`,
  );
  const startAgent = () => startCli(['agent', '-c', file, '-p', '0'], /Lifeline is running/);
  let agent = await startAgent();
  cleanup.push(() => agent.stop());
  const pair = await runCli(['pair', '-c', file, '--json', '--url', front.url]);
  const phone = await pairWithLink((JSON.parse(pair.stdout) as { link: string }).link, 'phone');
  const sub = push.subscription('phone');
  const r = await phone.command('notify.subscribe', {
    args: { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, lang: 'en' },
  });
  expect(r.status).toBe('ok');
  await waitFor(async () => (await holder())?.link_instance === 'relay-a', 10_000, 'linked to relay-a');
  await waitFor(
    async () =>
      (
        await sql<{ n: number }>(pgs.url, 'SELECT COUNT(*)::int AS n FROM sealed WHERE home_id = $1', [
          homeId,
        ])
      )[0]!.n === 10,
    10_000,
    'sealed notices in the shared store',
  );

  cleanup.push(() => phone.close());
  return {
    pgs,
    push,
    a,
    b,
    front,
    holder,
    startAgent,
    agent: () => agent,
    setAgent: (x: typeof agent) => (agent = x),
    phone,
    sub,
    homeId,
  };
}

describe("relay cluster: the dead-man's switch", () => {
  it('no notice for a relay failover; one "offline" and one "back" for a home that really went away', async () => {
    const { push, a, b, front, holder, startAgent, agent, setAgent, sub } = await cluster();
    // 1. relay-a dies (kill -9); the home's connections now go to relay-b.
    front.target = b.port;
    await a.kill();
    const killedAt = Date.now();
    await waitFor(
      async () => {
        const h = await holder();
        return h?.online === 1 && h.link_instance === 'relay-b';
      },
      15_000,
      'relinked to relay-b',
    );
    // relay-a comes back meanwhile (its restart must not take the home back from relay-b).
    await a.start();
    await sleep(Math.max(0, killedAt + (OFFLINE.graceSeconds + 4) * 1000 - Date.now()));
    expect(kinds(push, sub)).toEqual([]);
    expect(await holder()).toMatchObject({ online: 1, link_instance: 'relay-b', offline_notified: 0 });

    // 2. The home really goes away (its agent killed): two instances watch, one "offline" goes out.
    agent().child.kill('SIGKILL');
    await waitFor(() => count(push, sub, 'home.offline') >= 1, 30_000, '"offline"');
    await sleep(3000);
    expect(count(push, sub, 'home.offline')).toBe(1);

    // 3. It comes back, through the other instance: one "back".
    front.target = a.port;
    setAgent(await startAgent());
    await waitFor(() => count(push, sub, 'home.back') >= 1, 30_000, '"back"');
    await sleep(3000);
    // (The agent itself says it was killed: "agent.crashed", its own notice, not the relay's.)
    expect(kinds(push, sub).filter((k) => k.startsWith('home.'))).toEqual(['home.offline', 'home.back']);
    expect(await holder()).toMatchObject({ online: 1, link_instance: 'relay-a' });
    expect(a.alive() && b.alive()).toBe(true);
  }, 120_000);

  it('PostgreSQL away longer than the grace: links and sessions go on, no notice, a push sent meanwhile arrives once', async () => {
    const { pgs, push, a, b, holder, phone, sub, homeId } = await cluster();
    await pgs.stop();
    await waitFor(async () => (await a.health()).store === 'down', 10_000, 'relay-a sees the store down');
    // The phone's session runs through relay-a to home while the store is away; home's test
    // notification reaches relay-a, which takes it once it can write it down.
    const t = await phone.command('notify.test', { args: {} });
    expect(t.status).toBe('ok');
    await sleep((OFFLINE.graceSeconds + 2) * 1000);
    expect((await phone.command('notify.test', { args: {} })).status).toBe('ok');
    expect(count(push, sub, 'notify.test')).toBe(0);
    await pgs.start();
    await waitFor(() => count(push, sub, 'notify.test') >= 2, 30_000, 'the test notifications');
    // Every heartbeat stopped during the outage: nobody may count the others dead for that.
    await sleep(8000);
    expect(kinds(push, sub)).toEqual(['notify.test', 'notify.test']);
    expect(await holder()).toMatchObject({ online: 1, link_instance: 'relay-a', offline_notified: 0 });
    for (const r of [a, b]) {
      expect(r.alive()).toBe(true);
      expect(await r.health()).toMatchObject({ ok: true, store: 'up' });
    }

    // Had the others taken relay-a for dead (its beats lost on the way) and announced the home
    // offline, relay-a, still holding the live link, puts it back up and says "back".
    await sql(
      pgs.url,
      'UPDATE homes SET online = 0, offline_since = $2, offline_notified = 1 WHERE id = $1',
      [homeId, Date.now() - 30_000],
    );
    await waitFor(() => count(push, sub, 'home.back') >= 1, 10_000, '"back" from relay-a');
    expect(await holder()).toMatchObject({ online: 1, link_instance: 'relay-a', offline_notified: 0 });
  }, 120_000);

  it("an instance killed while PostgreSQL is away: home's push it could not write goes again through the other, once", async () => {
    const { pgs, push, a, b, front, phone, sub } = await cluster();
    await pgs.stop();
    await waitFor(async () => (await a.health()).store === 'down', 10_000, 'relay-a sees the store down');
    expect((await phone.command('notify.test', { args: {} })).status).toBe('ok');
    // Home has handed it to relay-a, which cannot write it down, so it is not acknowledged.
    await sleep(1000);
    front.target = b.port;
    await a.kill();
    await sleep(6000);
    await pgs.start();
    await waitFor(() => count(push, sub, 'notify.test') >= 1, 30_000, 'the test notification');
    await sleep(3000);
    expect(kinds(push, sub)).toEqual(['notify.test']);
    expect(b.alive()).toBe(true);
  }, 120_000);
});
