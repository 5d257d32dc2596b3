// Wake-on-LAN end to end, on real sockets in private network namespaces: the real agent
// (`lifeline start`) sends magic packets over a bridge to simulated sleeping machines, verifies
// each wake by probing, and cross-checks MACs against its namespace's neighbour (ARP) table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../../../shared/client/agent-client.js';
import type { EventRecord, ProgressFrame } from '../../../../shared/protocol/frames.js';
import type { HostNotice } from '../../../../shared/protocol/vocabulary.js';
import { waitFor } from '../../../harness/agent.js';
import { createLab, type Lab } from '../../../harness/netns.js';
import {
  type NetnsAgent,
  type SimulatedMachine,
  startMachine,
  startNetnsAgent,
} from '../../../harness/netns-agent.js';

const DESK_MAC = 'a8:a1:59:00:00:01';
const NAS_MAC = 'a8:a1:59:00:00:02';
const VM_MAC = '52:54:00:12:34:56';
const VAULT_MAC = 'a8:a1:59:00:00:03';
const PASSWORD = '0a:1b:2c:3d:4e:5f';
const PRINTER_MAC = 'a8:a1:59:00:00:09';
const STRANGER_MAC = '00:11:22:33:44:55';

function magic(mac: string, password?: string): string {
  return `${'ff'.repeat(6)}${mac.replaceAll(':', '').repeat(16)}${password ? password.replaceAll(':', '') : ''}`;
}

let lab: Lab;
let agent: NetnsAgent;
let desk: SimulatedMachine;
let nas: SimulatedMachine;
let vault: SimulatedMachine;
let printerIp: string;
let lateNet: string;
let client: AgentClient;
const events: EventRecord[] = [];

beforeAll(async () => {
  lab = createLab();
  desk = await startMachine(lab, { mac: DESK_MAC, tcp: 3389, bootSeconds: 3 });
  // The NAS is up, but its config holds a VM's virtual MAC: the outage's wrong-MAC trap.
  nas = await startMachine(lab, { mac: NAS_MAC, tcp: 22, awake: true });
  vault = await startMachine(lab, { mac: VAULT_MAC, tcp: 22, secureOn: PASSWORD });
  printerIp = `${lab.net}.50`;
  lateNet = `10.231.${(Number(lab.net.split('.')[2]) + 1) % 256}`;
  lab.ip(
    lab.agentNs,
    'neigh',
    'replace',
    printerIp,
    'lladdr',
    STRANGER_MAC,
    'dev',
    'br0',
    'nud',
    'permanent',
  );
  agent = await startNetnsAgent(
    lab,
    `machines:
  - { id: desk, name: Desk PC, mac: "${DESK_MAC}", address: ${desk.ip}, probe: { tcp: 3389 } }
  - { id: nas, name: NAS, mac: "${VM_MAC}", address: ${nas.ip}, probe: { tcp: 22 }, wakeTimeoutSeconds: 6, probeIntervalSeconds: 5 }
  - { id: vault, name: Vault, mac: "${VAULT_MAC}", address: ${vault.ip}, secureOn: "${PASSWORD}", probe: { tcp: 22 } }
  - { id: vault-ping, name: Vault by ping, mac: "${VAULT_MAC}", address: ${vault.ip}, probe: { icmp: true }, probeIntervalSeconds: 5 }
  - { id: printer, name: Printer, mac: "${PRINTER_MAC}", address: ${printerIp}, probe: { tcp: 9100 }, probeIntervalSeconds: 5 }
  - { id: tv, name: TV, mac: "a8:a1:59:00:00:0a" }
  - { id: ghost, name: Ghost, mac: "a8:a1:59:00:00:0b", address: ghost.invalid }
  - { id: late, name: Late LAN, mac: "a8:a1:59:00:00:0c", address: ${lateNet}.10, probeIntervalSeconds: 5, wakeTimeoutSeconds: 5 }
`,
  );
  client = await agent.client();
  client.onEvent((e) => events.push(e));
}, 120_000);

afterAll(async () => {
  client?.close();
  await agent?.close();
  await lab?.close();
});

const host = (id: string) => client.get('machines', id);
const codes = (notices: readonly HostNotice[] | undefined) => (notices ?? []).map((n) => n.code);

async function wake(target: string, args: Record<string, unknown> = {}) {
  const progress: ProgressFrame[] = [];
  const outcome = await client.command('machines.wake', {
    target,
    args,
    onProgress: (p) => progress.push(p),
  });
  return { outcome, progress, stages: progress.map((p) => p.stage) };
}

async function putToSleep(m: SimulatedMachine, id: string) {
  await m.sleep();
  const r = await client.command('machines.probe', { target: id, args: {} });
  expect(r.status).toBe('ok');
  await waitFor(() => host(id)?.presence.state === 'offline', 20_000, `${id} offline`);
}

describe('Wake-on-LAN on a real network', () => {
  it('shows who is up before anyone presses Wake', async () => {
    await waitFor(() => host('nas')?.presence.state === 'online', 20_000, 'nas online');
    await waitFor(() => host('desk')?.presence.state === 'offline', 20_000, 'desk offline');
    expect(host('nas')!.presence).toMatchObject({ answer: 'port 22 open', lastSeenAt: expect.any(Number) });
    expect(host('desk')!.presence.lastSeenAt).toBeNull();
  });

  it('broadcasts exactly a magic packet for the MAC on ports 9 and 7, and to the host address', async () => {
    const before = desk.events.seen.length;
    const { outcome, progress } = await wake('desk');
    expect(outcome.status).toBe('ok');
    const broadcasts = desk.events.seen
      .slice(before)
      .filter((e) => e.t === 'packet' && e.to === lab.broadcast);
    expect(new Set(broadcasts.map((p) => p.t === 'packet' && p.port))).toEqual(new Set([9, 7]));
    for (const p of broadcasts)
      if (p.t === 'packet') {
        expect(p.hex).toBe(magic(DESK_MAC));
        expect(p.from).toBe(lab.agentIp);
      }
    // Three rounds: one lost datagram on a busy switch must not lose the wake.
    for (const port of [9, 7])
      expect(broadcasts.filter((p) => p.t === 'packet' && p.port === port)).toHaveLength(3);
    expect(progress[0]).toMatchObject({ stage: 'sent' });
    expect(progress[0]!.data?.sentTo).toEqual([
      { address: lab.broadcast, kind: 'broadcast', interface: 'br0', ports: [9, 7] },
      { address: desk.ip, kind: 'unicast', interface: 'br0', ports: [9, 7] },
    ]);
  });

  it('follows the wake live: sent → waiting → up after N s once the machine answers', async () => {
    await putToSleep(desk, 'desk');
    const { outcome, stages, progress } = await wake('desk');
    expect(outcome.status).toBe('ok');
    expect(stages[0]).toBe('sent');
    expect(stages).toContain('waiting');
    expect(stages.at(-1)).toBe('up');
    const up = progress.at(-1)!;
    // The simulated machine takes 3 s to boot, so it cannot have answered sooner.
    expect(up.data?.seconds).toBeGreaterThanOrEqual(3);
    expect(up.message).toMatch(/^Desk PC answered after \d+ s \(port 3389 open\)$/);
    expect(host('desk')!.wake).toMatchObject({ stage: 'up', mac: DESK_MAC, finishedAt: expect.any(Number) });
    expect(host('desk')!.presence.state).toBe('online');
    const woke = await waitFor(() => events.find((e) => e.kind === 'machines.woke' && e.subject === 'desk'));
    expect(woke).toMatchObject({ severity: 'info', data: { host: 'desk', mac: DESK_MAC } });
  });

  it('sends the SecureOn password after the MAC when one is set', async () => {
    const before = vault.events.seen.length;
    const { outcome } = await wake('vault');
    expect(outcome.status).toBe('ok');
    const packets = vault.events.seen.slice(before).filter((e) => e.t === 'packet' && e.to === lab.broadcast);
    expect(packets.length).toBeGreaterThan(0);
    for (const p of packets) if (p.t === 'packet') expect(p.hex).toBe(magic(VAULT_MAC, PASSWORD));
    expect(packets.every((p) => p.t === 'packet' && p.forMe)).toBe(true);
  });

  it('never lets the SecureOn password out: not in state, events, the audit log or the logs', async () => {
    const r = await client.command('activity.list', { args: { limit: 200 } });
    const everything = JSON.stringify([client.entities.all(), events, r]) + agent.output();
    for (const form of [PASSWORD, PASSWORD.replaceAll(':', ''), PASSWORD.toUpperCase()])
      expect(everything).not.toContain(form);
    expect(host('vault')!.secureOn).toBe(true);
  });

  it('probes by ping where configured', async () => {
    await waitFor(() => host('vault-ping')?.presence.state === 'online', 20_000, 'vault answers ping');
    expect(host('vault-ping')!.presence.answer).toBe('echo reply');
  });

  it('flags a virtual-NIC MAC and the different MAC its address answers with, offering the seen one', async () => {
    await waitFor(() => codes(host('nas')?.warnings).includes('neighbour-mismatch'), 20_000, 'mismatch');
    const warnings = host('nas')!.warnings;
    expect(warnings.find((w) => w.code === 'virtual-nic')?.params).toMatchObject({ vendor: 'QEMU/KVM' });
    expect(warnings.find((w) => w.code === 'neighbour-mismatch')).toMatchObject({
      params: { address: nas.ip, seenMac: NAS_MAC, mac: VM_MAC },
    });
    expect(host('nas')!.seen).toMatchObject({ mac: NAS_MAC, address: nas.ip });
    // The event may have fired before this client connected: read the durable log.
    const logged = await waitFor(async () => {
      const log = await client.command('activity.list', { args: { limit: 100 } });
      return (log.status === 'ok' ? (log.data as { events: EventRecord[] }).events : []).find(
        (e) => e.kind === 'machines.mac-mismatch' && e.subject === 'nas',
      );
    });
    expect(logged).toMatchObject({ severity: 'warning', data: { seenMac: NAS_MAC } });
  });

  it('a machine whose configured MAC is wrong never wakes: no answer after T s, with the MAC hint', async () => {
    await putToSleep(nas, 'nas');
    const before = nas.events.seen.length;
    const { outcome, progress } = await wake('nas');
    expect(outcome).toMatchObject({ status: 'error', error: { code: 'timeout' } });
    const last = progress.at(-1)!;
    expect(last.stage).toBe('no-answer');
    expect(last.message).toMatch(/^NAS did not answer within \d+ s$/);
    const causes = last.data?.causes as HostNotice[];
    expect(codes(causes).slice(0, 2)).toEqual(['virtual-nic', 'neighbour-mismatch']);
    expect(causes[1]!.params).toMatchObject({ seenMac: NAS_MAC });
    expect(codes(causes)).toContain('wol-settings');
    const heard = nas.events.seen.slice(before).filter((e) => e.t === 'packet');
    expect(heard.length).toBeGreaterThan(0);
    expect(heard.every((p) => p.t === 'packet' && !p.forMe && p.hex === magic(VM_MAC))).toBe(true);
    expect(host('nas')!.wake).toMatchObject({ stage: 'no-answer' });
    const failed = await waitFor(() => events.find((e) => e.kind === 'machines.wake-failed'));
    expect(failed).toMatchObject({ severity: 'warning', subject: 'nas' });
    expect(failed.data?.causes).toEqual(expect.arrayContaining(['virtual-nic', 'neighbour-mismatch']));
    // The one line a push notification shows names the trap.
    expect(failed.message).toMatch(
      /^NAS did not answer within \d+ s after Wake-on-LAN — likely: 52:54:00:12:34:56 belongs to a QEMU\/KVM virtual network card/,
    );
  });

  it('wakes with the MAC seen at the address when asked to', async () => {
    const { outcome, stages } = await wake('nas', { useSeenMac: true });
    expect(outcome.status).toBe('ok');
    expect(stages.at(-1)).toBe('up');
    expect(host('nas')!.wake).toMatchObject({ stage: 'up', mac: NAS_MAC });
  });

  it('shows a wake in flight to a client that connects meanwhile', async () => {
    await putToSleep(desk, 'desk');
    let sent!: () => void;
    const gotSent = new Promise<void>((r) => {
      sent = r;
    });
    const running = client.command('machines.wake', {
      target: 'desk',
      args: {},
      onProgress: (p) => p.stage === 'sent' && sent(),
    });
    await gotSent;
    const late = await agent.client('late phone');
    const wokeBefore = events.filter((e) => e.kind === 'machines.woke').length;
    try {
      expect(['sent', 'waiting']).toContain(late.get('machines', 'desk')!.wake!.stage);
      // Pressing Wake again meanwhile sends again and follows the same wake.
      const again = await late.command('machines.wake', { target: 'desk', args: {} });
      expect(again).toMatchObject({ status: 'ok', data: { stage: 'up' } });
      await waitFor(() => late.get('machines', 'desk')?.wake?.stage === 'up', 30_000, 'up seen by late');
    } finally {
      late.close();
    }
    const first = await running;
    expect(first).toMatchObject({ status: 'ok', data: { stage: 'up' } });
    // The simulated machine takes 3 s to boot, and the joined wake did not restart the clock.
    expect((first as { data: { seconds: number } }).data.seconds).toBeGreaterThanOrEqual(3);
    await waitFor(() => events.filter((e) => e.kind === 'machines.woke').length > wokeBefore);
    expect(events.filter((e) => e.kind === 'machines.woke').length).toBe(wokeBefore + 1);
  });

  it('says a wake cannot be verified without an address, or when the address does not resolve', async () => {
    const tv = await wake('tv');
    expect(tv.outcome).toMatchObject({ status: 'ok', data: { stage: 'unverified' } });
    expect(tv.stages).toEqual(['sent', 'unverified']);
    expect(host('tv')!.presence.problem?.code).toBe('no-address');
    const ghost = await wake('ghost');
    expect(ghost.outcome).toMatchObject({ status: 'ok', data: { stage: 'unverified' } });
    expect(codes(ghost.progress.at(-1)!.data?.notes as HostNotice[])).toEqual(['unresolved']);
    await waitFor(() => host('ghost')?.presence.problem?.code === 'unresolved', 20_000, 'ghost unresolved');
  });

  it('flags an address the neighbour table shows with another MAC', async () => {
    await waitFor(() => codes(host('printer')?.warnings).includes('neighbour-mismatch'), 20_000, 'printer');
    expect(host('printer')!.warnings.find((w) => w.code === 'neighbour-mismatch')!.params).toMatchObject({
      seenMac: STRANGER_MAC,
      address: printerIp,
    });
  });

  it('recovers by itself when the LAN the host is on comes up after the agent started', async () => {
    // After a power cut the agent's machine may boot before its network is configured.
    await waitFor(() => codes(host('late')?.warnings).includes('no-broadcast-route'), 20_000, 'no route');
    expect(host('late')!.warnings.find((w) => w.code === 'no-broadcast-route')!.message).toContain(
      `${lateNet}.10 is not on any network of the agent's machine (${lab.agentIp}/24 on br0)`,
    );
    const early = await wake('late');
    expect(early.progress[0]!.data?.sentTo).toEqual([
      { address: lab.broadcast, kind: 'broadcast', interface: 'br0', ports: [9, 7] },
      { address: `${lateNet}.10`, kind: 'unicast', interface: null, ports: [], error: 'ENETUNREACH' },
    ]);
    expect(codes(early.progress.at(-1)!.data?.causes as HostNotice[])).toEqual(
      expect.arrayContaining(['no-broadcast-route', 'send-failed']),
    );
    lab.ip(lab.agentNs, 'addr', 'add', `${lateNet}.1/24`, 'dev', 'br0');
    await waitFor(() => !codes(host('late')?.warnings).includes('no-broadcast-route'), 30_000, 'route');
    const { outcome, progress } = await wake('late');
    expect(outcome).toMatchObject({ status: 'error', error: { code: 'timeout' } });
    expect(progress[0]!.data?.sentTo).toEqual(
      expect.arrayContaining([expect.objectContaining({ address: `${lateNet}.255`, interface: 'br0' })]),
    );
  });

  it('refuses unknown hosts and bad arguments, and audits every wake', async () => {
    expect(await client.command('machines.wake', { target: 'nope', args: {} })).toMatchObject({
      status: 'error',
      error: { code: 'not-found' },
    });
    expect(
      await client.command('machines.wake', { target: 'desk', args: { mac: 'ff:ff:ff:ff:ff:ff' } }),
    ).toMatchObject({
      status: 'error',
      error: { code: 'bad-args' },
    });
    expect(await client.command('machines.wake', { target: 'tv', args: { useSeenMac: true } })).toMatchObject(
      {
        status: 'error',
        error: { code: 'not-found' },
      },
    );
    const r = await client.command('activity.list', { args: { limit: 200 } });
    const audit = (
      r.status === 'ok'
        ? (r.data as { audit: { action: string; target: string; decision: string; outcome: string }[] }).audit
        : []
    ).filter((a) => a.action === 'machines.wake');
    expect(audit.filter((a) => a.target === 'nas').map((a) => a.outcome)).toEqual(
      expect.arrayContaining(['ok', 'error']),
    );
    expect(audit.find((a) => a.target === 'nope')).toMatchObject({ decision: 'refused' });
    expect(audit.filter((a) => a.decision === 'allowed').length).toBeGreaterThanOrEqual(6);
  });

  it('lifeline check prints the MAC checks', async () => {
    const r = await agent.cliInside(['check', '-c', agent.config]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/✓\s+neighbour table/);
    expect(r.stdout).toMatch(/✓\s+host desk MAC\s+a8:a1:59:00:00:01 · seen at/);
    expect(r.stdout).toMatch(
      /!\s+host nas MAC\s+52:54:00:12:34:56 belongs to a QEMU\/KVM virtual network card/,
    );
    expect(r.stdout).toContain(
      `${nas.ip} was seen with MAC ${NAS_MAC}, not ${VM_MAC}; if that is this machine, set mac: "${NAS_MAC}"`,
    );
    expect(r.stdout).toMatch(
      new RegExp(`!\\s+host printer MAC\\s+${printerIp} was seen with MAC ${STRANGER_MAC}`),
    );
    expect(r.stdout).toMatch(/!\s+host tv probe\s+no address configured/);
    // Warnings alone do not fail the check: a sleeping machine or an odd MAC is not an outage.
    expect(r.code).toBe(0);
  });
});
