// Failover of "one relay and many": three `lifeline relay` processes behind HAProxy (the shipped
// deploy/haproxy/haproxy.cfg), 50 homes as `lifeline agent` processes with names of their own, a
// phone per home reaching it through HAProxy (test/harness/relay-cluster.ts). kill -9 of the
// instance holding most links; from that moment: when HAProxy counts it down, and when a phone
// reaches each of its homes again (p50, max = all homes reachable); then the instance restarted:
// from HAProxy counting it up until a phone reaches every home again. FAILOVER_HOMES overrides 50.
import { percentile, round } from './stats.mjs';
import { loadTestModule } from './test-code.mjs';

const HOMES = Number(process.env.FAILOVER_HOMES ?? 50);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(fn, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

export async function relayFailoverBench() {
  const { startRelayCluster } = await loadTestModule('harness', 'relay-cluster');
  const cluster = await startRelayCluster({ homes: HOMES });
  try {
    await cluster.waitAllReachable(120_000);
    await until(() => cluster.homes.every((h) => cluster.linkHolder(h)), 30_000, 'every home linked once');
    const perInstance = cluster.relays.map((r) => r.linked().size);
    const victim = [...cluster.relays].sort((a, b) => b.linked().size - a.linked().size)[0];
    const server = `relay${cluster.relays.indexOf(victim) + 1}`;
    const moved = cluster.homes.filter((h) => victim.linked().has(h.homeId.slice(0, 8)));

    victim.kill();
    const t0 = performance.now();
    const down = (async () => {
      while ((await cluster.lb.serversUp())[server]) await sleep(20);
      return performance.now() - t0;
    })();
    const back = await Promise.all(
      moved.map(async (h) => {
        while (!(await cluster.reach(h, 1000))) await sleep(100);
        return performance.now() - t0;
      }),
    );
    const downMs = await down;
    const stayed = cluster.homes.filter((h) => !moved.includes(h));
    const stillThere = (await Promise.all(stayed.map((h) => cluster.reach(h)))).filter(Boolean).length;

    // The instance comes back: HAProxy gives it its names again while their links are elsewhere,
    // until each agent's check of its own name (every 10–20 s) sends it over.
    await victim.restart();
    while (!(await cluster.lb.serversUp())[server]) await sleep(20);
    const t1 = performance.now();
    const rejoined = await Promise.all(
      cluster.homes.map(async (h) => {
        while (!(await cluster.reach(h, 1000))) await sleep(250);
        return performance.now() - t1;
      }),
    );
    return [
      { metric: 'homes (links per instance)', value: `${HOMES} (${perInstance.join('/')})`, unit: '' },
      { metric: 'homes on the killed instance', value: moved.length, unit: '' },
      { metric: 'kill -9 → HAProxy counts it down', value: round(downMs, 0), unit: 'ms' },
      { metric: 'kill -9 → its home reachable again p50', value: round(percentile(back, 50), 0), unit: 'ms' },
      { metric: 'kill -9 → all homes reachable (max)', value: round(Math.max(...back), 0), unit: 'ms' },
      {
        metric: 'homes on other instances reachable after',
        value: `${stillThere}/${stayed.length}`,
        unit: '',
      },
      {
        metric: 'instance back (HAProxy up) → all homes reachable',
        value: round(Math.max(...rejoined), 0),
        unit: 'ms',
      },
    ];
  } finally {
    await cluster.stop();
  }
}
