// `lifeline ctl hosts` and `ctl wake [--wait]` against the real agent in a network-namespace lab.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../harness/cli.js';
import { createLab, type Lab } from '../../../harness/netns.js';
import {
  type NetnsAgent,
  type SimulatedMachine,
  startMachine,
  startNetnsAgent,
} from '../../../harness/netns-agent.js';
import { tempDir } from '../../../harness/temp.js';

const DESK_MAC = 'a8:a1:59:00:01:01';
const tmp = tempDir();
const env = { LIFELINE_CTL_HOME: path.join(tmp.dir, 'ctl') };
let lab: Lab;
let agent: NetnsAgent;
let desk: SimulatedMachine;

beforeAll(async () => {
  lab = createLab();
  desk = await startMachine(lab, { mac: DESK_MAC, tcp: 22, bootSeconds: 2 });
  agent = await startNetnsAgent(
    lab,
    `machines:
  - { id: desk, name: Desk PC, mac: "${DESK_MAC}", address: ${desk.ip}, probe: { tcp: 22 }, probeIntervalSeconds: 5 }
  - { id: vm, name: Old VM, mac: "08:00:27:00:00:01", address: ${lab.net}.99, probe: { tcp: 22 }, wakeTimeoutSeconds: 5 }
`,
  );
  const paired = await runCli(['ctl', 'pair', await agent.pairingLink(), '--name', 'ci terminal'], { env });
  if (paired.code !== 0) throw new Error(paired.stderr);
}, 120_000);

afterAll(async () => {
  await agent?.close();
  await lab?.close();
  tmp.remove();
});

describe('ctl hosts and wake', () => {
  it('hosts lists each machine with its state and MAC warnings', async () => {
    const json = await runCli(['ctl', 'hosts', '--probe', '--json'], { env });
    expect(json.code).toBe(0);
    const hosts = JSON.parse(json.stdout) as {
      id: string;
      presence: { state: string };
      warnings: { code: string }[];
    }[];
    expect(hosts.map((h) => [h.id, h.presence.state])).toEqual([
      ['desk', 'offline'],
      ['vm', 'offline'],
    ]);
    expect(hosts[1]!.warnings.map((w) => w.code)).toEqual(['virtual-nic']);

    const human = await runCli(['ctl', 'hosts'], { env });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/HOST\s+NAME\s+STATE\s+LAST SEEN\s+ADDRESS\s+MAC/);
    expect(human.stdout).toMatch(
      new RegExp(`desk\\s+Desk PC\\s+down.*never\\s+${desk.ip.replaceAll('.', '\\.')}\\s+${DESK_MAC}`),
    );
    expect(human.stdout).toContain('! vm: 08:00:27:00:00:01 belongs to a VirtualBox virtual network card');
  });

  it('wake --wait follows the wake until the host answers', async () => {
    const r = await runCli(['ctl', 'wake', 'desk', '--wait'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `Magic packet for Desk PC (${DESK_MAC}) sent to ${lab.broadcast} (br0), ${desk.ip} (br0) on UDP 9, 7.`,
    );
    expect(r.stdout).toMatch(/Desk PC is up: Desk PC answered after \d+ s \(port 22 open\)/);
    const hosts = JSON.parse((await runCli(['ctl', 'hosts', '--json'], { env })).stdout) as {
      id: string;
      presence: { state: string };
    }[];
    expect(hosts.find((h) => h.id === 'desk')!.presence.state).toBe('online');
  });

  it('wake without --wait returns once the packet is sent; the agent keeps verifying', async () => {
    await desk.sleep();
    const r = await runCli(['ctl', 'wake', 'Desk PC'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Magic packet for Desk PC');
    expect(r.stdout).toContain('Verifying in the background');
    await desk.wokenTimes(2);
    type Log = { entry: { kind?: string } }[];
    await expect
      .poll(
        async () => {
          const log = JSON.parse((await runCli(['ctl', 'log', '--json'], { env })).stdout) as Log;
          return log.filter((i) => i.entry.kind === 'machines.woke').length;
        },
        { timeout: 20_000 },
      )
      .toBe(2);
  });

  it('wake --wait exits 1 with the likely causes when nothing answers', async () => {
    const r = await runCli(['ctl', 'wake', 'vm', '--wait'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Old VM did not answer within \d+ s\. Likely causes:/);
    expect(r.stdout).toContain('• 08:00:27:00:00:01 belongs to a VirtualBox virtual network card');
    expect(r.stdout).toContain('ethtool -s <interface> wol g');
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^lifeline: Old VM did not answer within \d+ s \(timeout\)$/),
    ]);
  });

  it('wake --wait --json prints one JSON line: the failure, with the likely causes in it', async () => {
    const r = await runCli(['ctl', 'wake', 'vm', '--wait', '--json'], { env });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(out).toMatchObject({
      ok: false,
      exitCode: 1,
      error: { code: 'timeout', details: { host: 'vm', stage: 'no-answer' } },
    });
    expect(JSON.stringify(out.error.details.causes)).toContain('VirtualBox');
  });

  it('names the known hosts when asked for one that does not exist', async () => {
    const r = await runCli(['ctl', 'wake', 'nope'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('lifeline: no host "nope" (hosts: desk, vm)');
  });
});
