// A power cut as the owner lives it: Debian's upsd with dummy-ups, reached over TCP with a login
// (a remote upsd), behind a real agent linked to a relay; the UPS goes OL → OB → LB → OL and each
// transition shows in the app's state and arrives on the phone as a push. The owner's onBattery
// rule stops a database through the guard when the runtime falls, and the lifeline named in the
// same rule is refused and reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpsInfo } from '../../../../shared/protocol/ups.js';
import { waitFor } from '../../../harness/agent.js';
import { runCli } from '../../../harness/cli.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../../harness/dockerd.js';
import { type PushRig, startPushRig } from '../../../harness/push-rig.js';
import { tempDir } from '../../../harness/temp.js';
import { startUpsd, type Upsd } from '../../../harness/upsd.js';

const ONLINE = {
  'ups.status': 'OL CHRG',
  'battery.charge': 100,
  'battery.runtime': 1380,
  'input.voltage': 230,
};
let upsd: Upsd;
let d: TestDockerd;
let rig: PushRig;
const ctlHome = tempDir();
const env = { LIFELINE_CTL_HOME: ctlHome.dir };

const ups = () => rig.phone.list('ups').find((e) => e.id === 'rack')?.data as UpsInfo | undefined;
const waitForUps = (ok: (u: UpsInfo) => boolean, what: string) =>
  waitFor(
    () => {
      const u = ups();
      return u && ok(u) ? u : undefined;
    },
    20_000,
    what,
  );
const running = async (name: string) => JSON.parse(await d.cmd('inspect', name))[0].State.Running as boolean;

beforeAll(async () => {
  [upsd, d] = await Promise.all([
    startUpsd({
      upses: [
        {
          name: 'rack',
          values: { 'ups.mfr': 'APC', 'ups.model': 'Back-UPS 700', 'ups.load': 23, ...ONLINE },
        },
      ],
      users: [{ username: 'monitor', password: 'battery staple' }],
    }),
    startDockerd(),
  ]);
  await d.cmd('run -d --init --network none --name db', TEST_IMAGE, 'sleep', '100000');
  await d.cmd('run -d --init --network none --name tunnel', TEST_IMAGE, 'sleep', '100000');
  rig = await startPushRig(
    [
      'containers:',
      '  - id: test',
      `    socket: ${d.socket}`,
      '    lifeline: [tunnel]',
      'ups:',
      '  - id: rack',
      '    label: Rack UPS',
      `    address: "${upsd.address}"`,
      '    name: rack',
      '    username: monitor',
      '    password: battery staple',
      '    pollSeconds: 1',
      '    onBattery: { runtimeBelowMinutes: 10, stop: [db, tunnel] }',
      '',
    ].join('\n'),
  );
  const { link } = rig.agent.agent.pairing.link(rig.agent.url, rig.agent.agent.homeId, null);
  const paired = await runCli(['ctl', 'pair', link, '--name', 'ci'], { env });
  expect(paired.code, paired.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await rig?.close();
  await Promise.all([upsd?.close(), d?.close()]);
  ctlHome.remove();
});

describe('a power cut, through NUT', () => {
  it('shows the UPS online, read through a login', async () => {
    const u = await waitForUps((u) => u.status === 'online', 'rack online');
    expect(u).toMatchObject({
      name: 'Rack UPS',
      reachable: true,
      charge: 100,
      runtimeSeconds: 1380,
      load: 23,
    });
    expect(u.model).toContain('Back-UPS 700');
  });

  it('pushes "on battery since HH:MM, 23 min left" when the power fails, and the app shows it', async () => {
    await upsd.set('rack', { 'ups.status': 'OB DISCHRG', 'battery.charge': 80 });
    const p = await rig.next('ups.power-failed');
    expect(p).toMatchObject({
      severity: 'critical',
      title: 'Push home: Power cut: on battery',
      url: '#/home',
    });
    expect(p.body).toMatch(/^Rack UPS: on battery since \d\d:\d\d, 23 min left$/);
    const u = await waitForUps((u) => u.status === 'on-battery', 'rack on battery');
    expect(u.outage?.since).toBeGreaterThan(0);
    // Not yet below the rule's 10 minutes: the database still runs.
    expect(await running('db')).toBe(true);
    const ctl = await runCli(['ctl', 'ups'], { env });
    expect(ctl.code, ctl.stderr).toBe(0);
    expect(ctl.stdout).toMatch(/ON BATTERY since/);
    expect(ctl.stdout).toContain('charge 80%, runtime 23 min, load 23%, input 230 V');
  });

  it('stops the database when the runtime falls below the rule, refuses the lifeline, and says so', async () => {
    await upsd.set('rack', { 'battery.runtime': 500, 'battery.charge': 40 });
    const fired = await rig.next('ups.rule-fired');
    expect(fired.body).toBe('Rack UPS: 8 min of battery left, stopping db, tunnel');
    const failed = await rig.next('ups.rule-failed');
    expect(failed.body).toMatch(/tunnel: .*tunnel is a lifeline/);
    await waitFor(async () => ((await running('db')) ? undefined : true), 20_000, 'db stopped');
    expect(await running('tunnel')).toBe(true);
    // Audited as the agent acting on the owner's rule.
    const audit = rig.agent.agent.db
      .prepare("SELECT action, target, outcome FROM audit WHERE device_name LIKE 'ups rack%' ORDER BY id")
      .all() as { action: string; target: string; outcome: string }[];
    expect(audit.map((a) => `${a.action} ${a.target}`)).toEqual(
      expect.arrayContaining(['containers.stop db', 'containers.stop tunnel']),
    );
  });

  it('pushes low battery, then power back, and the app follows', async () => {
    await upsd.set('rack', { 'ups.status': 'OB LB DISCHRG', 'battery.charge': 9, 'battery.runtime': 120 });
    const low = await rig.next('ups.low-battery');
    expect(low).toMatchObject({ severity: 'critical', title: 'Push home: UPS battery low' });
    expect(low.body).toBe('Rack UPS: battery low, 2 min left before the UPS switches off');
    await waitForUps((u) => u.status === 'low-battery', 'rack low battery');

    await upsd.set('rack', ONLINE);
    const back = await rig.next('ups.power-back');
    expect(back).toMatchObject({ severity: 'info', title: 'Push home: Power is back' });
    expect(back.body).toMatch(/^Rack UPS: back on mains after (less than a minute|\d+ min) on battery$/);
    const u = await waitForUps((u) => u.status === 'online', 'rack online again');
    expect(u.outage).toBeUndefined();
    expect(u.lastOutage?.endedAt).toBeGreaterThan(u.lastOutage!.since);
    // Each transition was pushed once.
    const kinds = rig
      .received()
      .map((p) => p.kind)
      .filter((k) => k.startsWith('ups.'));
    expect(kinds).toEqual([
      'ups.power-failed',
      'ups.rule-fired',
      'ups.rule-failed',
      'ups.low-battery',
      'ups.power-back',
    ]);
  });
});
