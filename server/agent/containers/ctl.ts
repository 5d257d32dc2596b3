// ctl's container commands: containers, restart, start, stop, logs. Guarded ones go through the
// agent's guard like any phone: a lifeline stop is refused, a restart asks first (or takes --yes).
import type { Command } from 'commander';
import type { AgentClient } from '../../../shared/client/agent-client.js';
import {
  type ContainerInfo,
  ContainersLogs,
  ContainersRestart,
  ContainersStart,
  ContainersStop,
  type EngineInfo,
} from '../../../shared/protocol/containers.js';
import type { CtlRegistrar } from '../../cli/ctl/commands.js';
import { type GuardedOptions, runGuarded } from '../../cli/ctl/guarded.js';
import { type CtlGlobalOptions, printJson, withSession } from '../../cli/ctl/session.js';
import { CliError } from '../../cli/errors.js';
import { ago, duration, table } from '../../cli/format.js';

/** `<engine>/<name>`, or a bare name when exactly one engine has it. */
export function resolveContainer(client: AgentClient, ref: string): string {
  if (ref.includes('/')) return ref;
  const hits = client.list('containers').filter((c) => c.data.name === ref);
  if (hits.length > 1)
    throw new CliError(`${ref} exists on several engines: ${hits.map((h) => h.id).join(', ')}; name one`);
  return hits[0]?.id ?? ref;
}

/** How long and why ctl's commands say an engine is unreachable: `since 2 min ago: connection refused`. */
export function unreachableSince(e: EngineInfo, now: number): string {
  return `since ${ago(e.since, now)}: ${e.reason ?? 'unknown'}`;
}

function since(c: ContainerInfo, now: number): string {
  if (c.state === 'running' && c.startedAt) return `up ${duration(now - c.startedAt)}`;
  if (c.finishedAt) return ago(c.finishedAt, now);
  return '—';
}

function notes(c: ContainerInfo): string {
  const out: string[] = [];
  if (c.self) out.push('this agent');
  if (c.lifeline) out.push('lifeline');
  else if (c.watched) out.push('watched');
  if (c.looping) out.push('restart loop');
  if (c.bootRace) out.push('boot race');
  if (c.recovery) out.push(`recovery ${c.recovery.status} (${c.recovery.attempts} attempts)`);
  if (c.oomKilled) out.push('OOM-killed');
  if (c.error) out.push(`error: ${c.error.length > 80 ? `${c.error.slice(0, 79)}…` : c.error}`);
  return out.join(', ');
}

function image(c: ContainerInfo): string {
  if (c.pin === 'latest') return `${c.image} (unpinned: latest)`;
  if (c.pin === 'untagged') return `${c.image} (unpinned: no tag)`;
  return c.image;
}

export async function ctlContainers(opts: CtlGlobalOptions): Promise<void> {
  await withSession(opts, async (client) => {
    const engines = client.list('containers.engine').sort((a, b) => a.id.localeCompare(b.id));
    const containers = client
      .list('containers')
      .map((c) => c.data)
      // Compose projects first, then the containers of no project, as the app groups them.
      .sort(
        (a, b) =>
          (a.project ?? '\uffff').localeCompare(b.project ?? '\uffff') || a.name.localeCompare(b.name),
      );
    if (opts.json) return printJson({ engines: engines.map((e) => ({ id: e.id, ...e.data })), containers });
    if (engines.length === 0) {
      process.stdout.write('No Docker engines in the config (docker: [] in lifeline.yaml).\n');
      return;
    }
    const now = Date.now();
    const blocks: string[] = [];
    for (const e of engines) {
      const d = e.data;
      const head = d.reachable
        ? `${e.id}  reachable · Docker ${d.engineVersion} · API ${d.apiVersion} · ${d.containers} containers, ${d.running} running`
        : `${e.id}  UNREACHABLE ${unreachableSince(d, now)} — last known state below`;
      const rows = [['NAME', 'STATE', 'EXIT', 'SINCE', 'RESTARTS', 'HEALTH', 'PROJECT', 'IMAGE', 'NOTES']];
      for (const c of containers.filter((c) => c.engine === e.id))
        rows.push([
          c.name,
          c.state,
          c.exitCode === null ? '' : String(c.exitCode),
          since(c, now),
          String(c.restartCount),
          c.health ?? '',
          c.project ?? '',
          image(c),
          notes(c),
        ]);
      blocks.push(`${head}\n${rows.length > 1 ? table(rows).replace(/^/gm, '  ') : '  (no containers)'}`);
    }
    process.stdout.write(`${blocks.join('\n\n')}\n`);
  });
}

const ACTS = { restart: ContainersRestart, start: ContainersStart, stop: ContainersStop } as const;

function ctlAct(verb: keyof typeof ACTS) {
  return async (ref: string, opts: CtlGlobalOptions & GuardedOptions) => {
    await withSession(opts, async (client) => {
      const target = resolveContainer(client, ref);
      const data = await runGuarded(client, ACTS[verb], { target }, opts);
      if (opts.json) return printJson(data);
      const name = data.container.slice(data.container.indexOf('/') + 1);
      process.stdout.write(
        data.already ? `${name} was already ${data.state}.\n` : `${name} is ${data.state}.\n`,
      );
    });
  };
}

export async function ctlLogs(
  ref: string,
  opts: CtlGlobalOptions & { lines?: string; timestamps?: boolean },
): Promise<void> {
  const lines = opts.lines === undefined ? 100 : Number(opts.lines);
  if (!Number.isInteger(lines) || lines < 1 || lines > 2000)
    throw new CliError('--lines must be a whole number from 1 to 2000', 2);
  const timestamps = opts.timestamps !== false;
  await withSession(opts, async (client) => {
    const target = resolveContainer(client, ref);
    const data = await runGuarded(client, ContainersLogs, { target, args: { lines, timestamps } }, {});
    if (opts.json) return printJson(data);
    const out = data.lines.map((l) => {
      const stamp = timestamps && l.at !== null ? `${new Date(l.at).toISOString()} ` : '';
      return `${stamp}${l.stream === 'stderr' ? 'err' : 'out'} ${l.text}`;
    });
    if (data.truncated) process.stderr.write('(older lines left out: the reply is limited in size)\n');
    if (out.length > 0) process.stdout.write(`${out.join('\n')}\n`);
  });
}

export const registerContainers: CtlRegistrar = (ctl: Command, g: () => CtlGlobalOptions) => {
  ctl
    .command('containers')
    .description('containers per Docker engine: state, exit code, uptime, restarts, health, image')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => ctlContainers({ ...g(), ...o }));
  const guarded = (verb: 'restart' | 'start' | 'stop', description: string) =>
    ctl
      .command(`${verb} <container>`)
      .description(description)
      .option('-y, --yes', 'answer the confirmation')
      .option('--json', 'machine-readable output')
      .action((ref: string, o: { yes?: boolean; json?: boolean }) => ctlAct(verb)(ref, { ...g(), ...o }));
  guarded('restart', 'restart a container (<engine>/<name>, or a name on one engine); asks to confirm');
  guarded('start', 'start a container');
  guarded('stop', 'stop a container; asks to confirm, refused for a lifeline');
  ctl
    .command('logs <container>')
    .description("a container's last log lines, stdout and stderr")
    .option('-n, --lines <n>', 'how many lines', '100')
    .option('--no-timestamps', 'leave out the timestamps')
    .option('--json', 'machine-readable output')
    .action((ref: string, o: { lines?: string; timestamps?: boolean; json?: boolean }) =>
      ctlLogs(ref, { ...g(), ...o }),
    );
};
