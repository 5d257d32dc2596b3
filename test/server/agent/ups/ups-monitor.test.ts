// The UPS monitor on Debian's upsd with dummy-ups: a power cut played as OL → OB → LB → OL, the
// owner's onBattery rule, upsd going away and coming back, two UPSes, and a upsd with a login.
import * as v from 'valibot';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clientOptionsOf, type UpsEntry, UpsEntrySchema } from '../../../../server/agent/ups/config.js';
import { NutClient } from '../../../../server/agent/ups/nut-client.js';
import type { OnBatteryFiring, UpsTransition } from '../../../../server/agent/ups/outage.js';
import { UpsMonitor, type UpsMonitorOptions } from '../../../../server/agent/ups/ups-monitor.js';
import type { UpsInfo } from '../../../../shared/protocol/ups.js';
import { startUpsd, type Upsd } from '../../../harness/upsd.js';

const MINUTE = 60_000;
const PASSWORD = 'battery staple';
const ONLINE = { 'ups.status': 'OL CHRG', 'battery.charge': 100, 'battery.runtime': 1380 };

let upsd: Upsd;
beforeAll(async () => {
  upsd = await startUpsd({
    upses: [
      { name: 'rack', values: { 'ups.mfr': 'APC', 'ups.model': 'Back-UPS 700', 'ups.load': 23, ...ONLINE } },
      { name: 'desk', values: { 'ups.mfr': 'Eaton', 'ups.model': '5E 650i', ...ONLINE } },
    ],
    users: [{ username: 'monitor', password: PASSWORD }],
  });
});
afterAll(() => upsd?.close());

const monitors: UpsMonitor[] = [];
afterEach(async () => {
  for (const m of monitors.splice(0)) await m.stop();
  for (const ups of ['rack', 'desk']) await upsd.set(ups, ONLINE);
});

/** 14:02 UTC on a fixed day; tests move it forward by hand. */
class ManualClock {
  t = Date.UTC(2026, 2, 14, 14, 2, 0);
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

interface Watch {
  monitor: UpsMonitor;
  clock: ManualClock;
  transitions: UpsTransition[];
  published: UpsInfo[];
  firings: OnBatteryFiring[];
  /** Resolves once a transition of this kind has been emitted `count` times in all. */
  until(kind: UpsTransition['kind'], count?: number): Promise<UpsTransition>;
  /** Resolves after `n` more polls. */
  polls(n: number): Promise<void>;
}

function watch(raw: Record<string, unknown>, extra: Partial<UpsMonitorOptions> = {}): Watch {
  const entry: UpsEntry = v.parse(UpsEntrySchema, { address: upsd.address, ...raw });
  const clock = new ManualClock();
  const w: Omit<Watch, 'monitor'> = {
    clock,
    transitions: [],
    published: [],
    firings: [],
    until: (kind, count = 1) =>
      waitFor(() => w.transitions.filter((t) => t.kind === kind)[count - 1], `${count}× ${kind}`),
    polls: (n) => {
      const target = w.published.length + n;
      return waitFor(() => w.published.length >= target || undefined, `${n} polls`).then(() => {});
    },
  };
  const monitor = new UpsMonitor({
    entry,
    connect: (e) => new NutClient(clientOptionsOf(e, '/')),
    clock,
    publish: (info) => w.published.push(info),
    emit: (t) => w.transitions.push(t),
    onBattery: (f) => {
      w.firings.push(f);
    },
    pollMs: 20,
    timeZone: 'UTC',
    ...extra,
  });
  monitors.push(monitor);
  return { ...w, monitor } as Watch;
}

async function waitFor<T>(probe: () => T | undefined | false, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const got = probe();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const kinds = (ts: UpsTransition[]) => ts.map((t) => t.kind);

describe('UpsMonitor on a real upsd', () => {
  it('tells a power cut as it happens: power failed, battery low, power back', async () => {
    const w = watch({ id: 'rack', label: 'Rack UPS', name: 'rack' });
    w.monitor.start();
    await waitFor(() => w.published.find((i) => i.status === 'online'), 'online');
    expect(w.monitor.info).toMatchObject({
      name: 'Rack UPS',
      model: 'APC Back-UPS 700',
      reachable: true,
      charge: 100,
      runtimeSeconds: 1380,
      load: 23,
      battery: 'charging',
    });

    await upsd.set('rack', { 'ups.status': 'OB DISCHRG', 'battery.charge': 96, 'battery.runtime': 1380 });
    const failed = await w.until('ups.power-failed');
    expect(failed.message.text).toBe('Rack UPS: on battery since 14:02, 23 min left');
    expect(failed.message).toMatchObject({ key: 'ups.power-failed-runtime', params: { minutesLeft: 23 } });
    expect(failed.severity).toBe('critical');
    await waitFor(() => w.monitor.info.status === 'on-battery', 'on-battery state');
    expect(w.monitor.info.outage).toEqual({ since: w.clock.t });

    w.clock.advance(10 * MINUTE);
    await upsd.set('rack', { 'ups.status': 'OB DISCHRG LB', 'battery.charge': 9, 'battery.runtime': 190 });
    const low = await w.until('ups.low-battery');
    expect(low.message.text).toBe('Rack UPS: battery low, 3 min left before the UPS switches off');
    expect(w.monitor.info.status).toBe('low-battery');

    w.clock.advance(2 * MINUTE);
    await upsd.set('rack', { 'ups.status': 'OL CHRG', 'battery.charge': 10, 'battery.runtime': 200 });
    const back = await w.until('ups.power-back');
    expect(back.message.text).toBe('Rack UPS: back on mains after 12 min on battery');
    await w.polls(3);
    expect(kinds(w.transitions)).toEqual(['ups.power-failed', 'ups.low-battery', 'ups.power-back']);
    expect(w.monitor.info.status).toBe('online');
    expect(w.monitor.info.outage).toBeUndefined();
    expect(w.monitor.info.lastOutage?.endedAt).toBe(w.clock.t);
  });

  it('fires the onBattery rule once per outage, and again in the next one', async () => {
    const w = watch({
      id: 'rack',
      name: 'rack',
      onBattery: { afterMinutes: 5, stop: ['clickhouse', 'langfuse'] },
    });
    w.monitor.start();
    await upsd.set('rack', { 'ups.status': 'OB DISCHRG', 'battery.runtime': 1380 });
    await w.until('ups.power-failed');
    await w.polls(3);
    expect(w.firings).toEqual([]);

    w.clock.advance(6 * MINUTE);
    await w.until('ups.rule-fired');
    expect(w.firings).toHaveLength(1);
    expect(w.firings[0]).toMatchObject({
      ups: 'rack',
      stop: ['clickhouse', 'langfuse'],
      reason: 'after-minutes',
    });
    expect(w.firings[0]!.message.text).toBe('rack: on battery for 6 min, stopping clickhouse, langfuse');
    expect(w.monitor.info.rule?.firedAt).toBe(w.clock.t);

    // Still the same outage: more minutes, then low battery, fire nothing more.
    w.clock.advance(6 * MINUTE);
    await w.polls(3);
    await upsd.set('rack', { 'ups.status': 'OB LB', 'battery.runtime': 60 });
    await w.until('ups.low-battery');
    await w.polls(3);
    expect(w.firings).toHaveLength(1);

    await upsd.set('rack', ONLINE);
    await w.until('ups.power-back');
    await upsd.set('rack', { 'ups.status': 'OB DISCHRG' });
    await w.until('ups.power-failed', 2);
    w.clock.advance(5 * MINUTE);
    await w.until('ups.rule-fired', 2);
    await w.polls(3);
    expect(w.firings).toHaveLength(2);
  });

  it('fires the rule on the runtime threshold before the minutes are up', async () => {
    const w = watch({
      id: 'rack',
      name: 'rack',
      onBattery: { afterMinutes: 30, runtimeBelowMinutes: 10, stop: ['db'] },
    });
    w.monitor.start();
    await upsd.set('rack', { 'ups.status': 'OB DISCHRG', 'battery.runtime': 1380 });
    await w.until('ups.power-failed');
    await w.polls(3);
    expect(w.firings).toEqual([]);
    await upsd.set('rack', { 'ups.status': 'OB DISCHRG', 'battery.runtime': 540 });
    await w.until('ups.rule-fired');
    expect(w.firings[0]).toMatchObject({ reason: 'runtime-below', runtimeSeconds: 540 });
    expect(w.firings[0]!.message.text).toBe('rack: 9 min of battery left, stopping db');
  });

  it('reports a failed rule run as its own event', async () => {
    const w = watch(
      { id: 'rack', name: 'rack', onBattery: { afterMinutes: 0, stop: ['db'] } },
      {
        onBattery: () => {
          throw new Error('boom');
        },
      },
    );
    w.monitor.start();
    await upsd.set('rack', { 'ups.status': 'OB DISCHRG' });
    const failed = await w.until('ups.rule-failed');
    expect(failed.message.text).toBe('rack: could not stop db: internal error');
  });

  it('keeps polling when a callback throws', async () => {
    const logged: string[] = [];
    let calls = 0;
    const w = watch(
      { id: 'rack', name: 'rack' },
      {
        publish: () => {
          calls++;
          if (calls === 2) throw new Error('state store broke');
        },
        log: { error: (line) => logged.push(line) },
      },
    );
    w.monitor.start();
    await waitFor(() => calls >= 5, '5 publishes');
    expect(logged).toEqual(['rack: poll failed: Error: state store broke']);
  });

  it('says upsd is unreachable only after several failed polls, and when it is back', async () => {
    const w = watch({ id: 'rack', label: 'Rack UPS', name: 'rack' });
    expect(kinds(await w.monitor.poll())).toEqual([]);
    expect(w.monitor.info.reachable).toBe(true);
    await upsd.stop();
    try {
      expect(await w.monitor.poll()).toEqual([]);
      expect(await w.monitor.poll()).toEqual([]);
      expect(w.monitor.info.reachable).toBe(true);
      const [lost, ...rest] = await w.monitor.poll();
      expect(rest).toEqual([]);
      expect(lost!.kind).toBe('ups.unreachable');
      expect(lost!.message.text).toBe(
        `Rack UPS: cannot read the UPS: upsd at ${upsd.address} refused the connection: is upsd running and listening there?`,
      );
      expect(w.monitor.info).toMatchObject({
        reachable: false,
        problem: { code: 'unreachable', reason: 'connection-refused' },
      });
      // Announced once, not on every failed poll.
      expect(await w.monitor.poll()).toEqual([]);
    } finally {
      await upsd.start();
    }
    w.clock.advance(4 * MINUTE);
    expect(kinds(await w.monitor.poll())).toEqual(['ups.reachable']);
    expect(w.monitor.info).toMatchObject({ reachable: true, status: 'online' });
    expect(w.monitor.info.problem).toBeUndefined();
  });

  it('watches two UPSes on one upsd apart', async () => {
    const rack = watch({ id: 'rack', name: 'rack' });
    const desk = watch({ id: 'desk', name: 'desk' });
    rack.monitor.start();
    desk.monitor.start();
    await upsd.set('desk', { 'ups.status': 'OB DISCHRG', 'battery.runtime': 600 });
    const failed = await desk.until('ups.power-failed');
    expect(failed.message.text).toBe('desk: on battery since 14:02, 10 min left');
    await rack.polls(3);
    expect(rack.transitions).toEqual([]);
    expect(rack.monitor.info.status).toBe('online');
    expect(desk.monitor.info).toMatchObject({ status: 'on-battery', model: 'Eaton 5E 650i' });
  });

  it('logs in to a upsd that wants a login, and says so when the password is wrong', async () => {
    const good = watch({ id: 'rack', name: 'rack', username: 'monitor', password: PASSWORD });
    expect(await good.monitor.poll()).toEqual([]);
    expect(good.monitor.info).toMatchObject({ reachable: true, status: 'online' });

    const bad = watch({ id: 'rack', name: 'rack', username: 'monitor', password: 'nope' });
    for (let i = 0; i < 2; i++) await bad.monitor.poll();
    const [lost] = await bad.monitor.poll();
    expect(lost!.message.text).toContain('refused the login of user "monitor": wrong username or password');
    expect(bad.monitor.info.problem).toMatchObject({ code: 'refused', reason: 'access-denied' });
  });

  it('names the UPSes upsd has when the configured name is wrong', async () => {
    const w = watch({ id: 'garage', name: 'garage' }, { unreachableAfter: 1 });
    const [t] = await w.monitor.poll();
    expect(t!.message.text).toBe(
      `garage: cannot read the UPS: upsd at ${upsd.address} has no UPS named "garage": it has "desk", "rack"`,
    );
    expect(w.monitor.info.problem?.reason).toBe('unknown-ups');
  });
});
