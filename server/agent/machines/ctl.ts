// ctl's machines commands: `machines` (who is up, last seen, MAC warnings; `hosts` is its earlier
// name) and `wake <machine> [--wait]` (send; with --wait, follow the verification until up or no answer).
import type { Command } from 'commander';
import type { AgentClient } from '../../../shared/client/agent-client.js';
import type { ProgressFrame } from '../../../shared/protocol/frames.js';
import {
  type HostInfo,
  type HostNotice,
  MachinesProbe,
  MachinesWake,
  type WakeTarget,
} from '../../../shared/protocol/machines.js';
import type { CtlRegistrar } from '../../cli/ctl/commands.js';
import { type GuardedOptions, runGuarded } from '../../cli/ctl/guarded.js';
import { type CtlGlobalOptions, printJson, withSession } from '../../cli/ctl/session.js';
import { CliError } from '../../cli/errors.js';
import { ago, duration, table } from '../../cli/format.js';

type Host = { id: string; data: HostInfo };

function hostsOf(client: AgentClient): Host[] {
  return client.list('machines').sort((a, b) => a.id.localeCompare(b.id));
}

/** A host by id, or by its name when that is unambiguous. */
function findHost(hosts: Host[], wanted: string): Host {
  const byId = hosts.find((h) => h.id === wanted);
  if (byId) return byId;
  const byName = hosts.filter((h) => h.data.name.toLowerCase() === wanted.toLowerCase());
  if (byName.length === 1) return byName[0]!;
  const known = hosts.map((h) => h.id).join(', ') || 'none configured';
  throw new CliError(`no host "${wanted}" (hosts: ${known})`);
}

function stateText(h: HostInfo, now: number): string {
  const w = h.wake;
  if (w && w.finishedAt === null) return `waking (${w.elapsedSeconds} s)`;
  if (h.presence.state === 'unknown') return 'unknown';
  if (h.presence.state === 'online') return 'up';
  return h.presence.since ? `down for ${duration(now - h.presence.since)}` : 'down';
}

export async function ctlHosts(opts: CtlGlobalOptions & { probe?: boolean }): Promise<void> {
  await withSession(opts, async (client) => {
    if (opts.probe)
      await Promise.all(
        hostsOf(client)
          .filter((h) => h.data.address)
          .map((h) => client.run(MachinesProbe, { target: h.id })),
      );
    const hosts = hostsOf(client);
    if (opts.json) return printJson(hosts.map((h) => ({ id: h.id, ...h.data })));
    if (hosts.length === 0) {
      process.stdout.write('No machines configured: add them under machines: in lifeline.yaml.\n');
      return;
    }
    const now = Date.now();
    const rows = [['HOST', 'NAME', 'STATE', 'LAST SEEN', 'ADDRESS', 'MAC']];
    for (const { id, data: h } of hosts)
      rows.push([
        id,
        h.name,
        stateText(h, now),
        h.presence.lastSeenAt ? ago(h.presence.lastSeenAt, now) : 'never',
        h.address ?? '—',
        `${h.mac}${h.warnings.length > 0 ? ' !' : ''}`,
      ]);
    const notes: string[] = [];
    for (const { id, data: h } of hosts) {
      for (const w of h.warnings) notes.push(`! ${id}: ${w.message}`);
      if (h.presence.problem && h.presence.problem.code !== 'no-address')
        notes.push(`? ${id}: ${h.presence.problem.message}`);
    }
    process.stdout.write(`${table(rows)}\n${notes.length > 0 ? `\n${notes.join('\n')}\n` : ''}`);
  });
}

function sentLine(name: string, mac: string, sentTo: WakeTarget[]): string {
  const ok = sentTo.filter((t) => !t.error);
  const where = ok.map((t) => `${t.address}${t.interface ? ` (${t.interface})` : ''}`).join(', ');
  const ports = [...new Set(ok.flatMap((t) => t.ports))].join(', ');
  const failed = sentTo.filter((t) => t.error).map((t) => `\n  could not send to ${t.address}: ${t.error}`);
  return `Magic packet for ${name} (${mac}) sent to ${where} on UDP ${ports}.${failed.join('')}`;
}

function causesText(notes: HostNotice[]): string {
  return notes.map((c) => `  • ${c.message}`).join('\n');
}

export async function ctlWake(
  wanted: string,
  opts: CtlGlobalOptions & GuardedOptions & { wait?: boolean; useSeenMac?: boolean },
): Promise<void> {
  await withSession(opts, async (client) => {
    const host = findHost(hostsOf(client), wanted);
    const say = (line: string) => {
      if (!opts.json) process.stdout.write(line);
    };
    const tty = process.stdout.isTTY === true;
    let lastWaitLine = 0;
    let onSent: (p: ProgressFrame) => void = () => {};
    const sent = new Promise<ProgressFrame>((resolve) => {
      onSent = resolve;
    });
    let noAnswer: ProgressFrame | undefined;
    const onProgress = (p: ProgressFrame) => {
      const d = p.data ?? {};
      switch (p.stage) {
        case 'sent':
          onSent(p);
          say(`${sentLine(host.data.name, String(d.mac), (d.sentTo as WakeTarget[]) ?? [])}\n`);
          return;
        case 'waiting': {
          if (!opts.wait) return;
          const s = Number(d.elapsedSeconds);
          if (tty) say(`\rWaiting for ${host.data.name}… ${s} s of ${Number(d.timeoutSeconds)} s`);
          else if (s - lastWaitLine >= 10) {
            lastWaitLine = s;
            say(`Waiting for ${host.data.name}… ${s} s\n`);
          }
          return;
        }
        case 'up':
          say(`${tty ? '\r\x1b[K' : ''}${host.data.name} is up: ${p.message ?? ''}\n`);
          for (const n of (d.notes as HostNotice[]) ?? []) say(`  ! ${n.message}\n`);
          return;
        case 'no-answer':
          noAnswer = p;
          say(
            `${tty ? '\r\x1b[K' : ''}${p.message ?? 'no answer'}. Likely causes:\n${causesText((d.causes as HostNotice[]) ?? [])}\n`,
          );
          return;
        case 'unverified':
          say(`${p.message ?? 'the wake cannot be verified'}\n`);
          return;
      }
    };
    const args = opts.useSeenMac ? { useSeenMac: true } : {};
    const result = runGuarded(client, MachinesWake, { target: host.id, args }, opts, onProgress);
    if (!opts.wait) {
      // The agent keeps verifying after this terminal lets go; the app and `ctl hosts` show the outcome.
      result.catch(() => {});
      const first = await Promise.race([sent.then((p) => ({ sent: p })), result.then((data) => ({ data }))]);
      if ('sent' in first) {
        if (opts.json) printJson({ host: host.id, stage: 'sent', ...first.sent.data });
        else say(`Verifying in the background: \`lifeline ctl hosts\` shows the outcome, or use --wait.\n`);
      } else if (opts.json) printJson(first.data);
      return;
    }
    try {
      const data = await result;
      if (opts.json) printJson(data);
    } catch (err) {
      // Under --json one line: the failure, with what the agent found (the likely causes) in it.
      if (noAnswer && err instanceof CliError)
        throw new CliError(err.message, err.exitCode, err.code, {
          host: host.id,
          stage: 'no-answer',
          ...noAnswer.data,
        });
      throw err;
    }
  });
}

export const registerMachines: CtlRegistrar = (ctl: Command, g) => {
  ctl
    .command('machines')
    .alias('hosts')
    .description('machines to wake (Wake-on-LAN): up or down, last seen, MAC warnings')
    .option('--probe', 'probe every host now instead of showing the last probe')
    .option('--json', 'machine-readable output')
    .action((o: { probe?: boolean; json?: boolean }) => ctlHosts({ ...g(), ...o }));
  ctl
    .command('wake <host>')
    .description('send a Wake-on-LAN magic packet to a host (id or name)')
    .option(
      '-w, --wait',
      'follow the wake until the host answers or the timeout passes (exit 1 on no answer)',
    )
    .option('--use-seen-mac', 'wake with the MAC the neighbour table saw at the host address')
    .option('--json', 'machine-readable output')
    .action((host: string, o: { wait?: boolean; useSeenMac?: boolean; json?: boolean }) =>
      ctlWake(host, { ...g(), ...o }),
    );
};
