// ctl's commands for containers eating the host: `top` (each running container's memory, growth,
// CPU and I/O, biggest first) and `limit-memory <container> <size>` (docker update, through the
// guard: it asks first, refuses a lifeline and a limit below what the container uses now).
import type { Command } from 'commander';
import { formatBytes } from '../../../shared/messages/format.js';
import { ContainersLimitMemory, type ContainerUsage } from '../../../shared/protocol/containers.js';
import type { CtlRegistrar } from '../../cli/ctl/commands.js';
import { type GuardedOptions, runGuarded } from '../../cli/ctl/guarded.js';
import { type CtlGlobalOptions, printJson, withSession } from '../../cli/ctl/session.js';
import { CliError } from '../../cli/errors.js';
import { table } from '../../cli/format.js';
import { resolveContainer, unreachableSince } from './ctl.js';

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** `512m`, `1.5G`, `2GiB`, `268435456`: binary units, as `docker update -m` reads them. */
export function parseSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?$/i.exec(text.trim());
  if (!m) return null;
  const n = Math.round(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
  return Number.isSafeInteger(n) && n > 0 ? n : null;
}

const dash = '—';
const rate = (n: number | null) => (n === null ? dash : `${formatBytes(n)}/s`);

export function usageRows(list: readonly ContainerUsage[]): string[][] {
  const rows = [['CONTAINER', 'MEMORY', 'LIMIT', 'GROWTH', 'CPU', 'READ', 'WRITE', 'VIA']];
  for (const u of [...list].sort((a, b) => b.memoryBytes - a.memoryBytes))
    rows.push([
      `${u.engine}/${u.name}`,
      formatBytes(u.memoryBytes),
      u.memoryLimitBytes === null ? 'none' : formatBytes(u.memoryLimitBytes),
      u.memoryGrowthBytes ? `${u.memoryGrowthBytes > 0 ? '+' : ''}${formatBytes(u.memoryGrowthBytes)}` : dash,
      u.cpuPercent === null ? dash : `${u.cpuPercent}%`,
      rate(u.readBytesPerSec),
      rate(u.writeBytesPerSec),
      u.via,
    ]);
  return rows;
}

const NOT_MEASURED = 'its containers are not measured until it is back';

export async function ctlTop(opts: CtlGlobalOptions): Promise<void> {
  await withSession(opts, async (client) => {
    const list = client.list('containers.usage').map((e) => e.data);
    // The agent publishes no figures for an engine it lost: say so, rather than list only the rest.
    const now = Date.now();
    const down = client
      .list('containers.engine')
      .filter((e) => !e.data.reachable)
      .sort((a, b) => a.id.localeCompare(b.id));
    if (opts.json) {
      // On stderr, so --json stays one document.
      for (const e of down)
        process.stderr.write(
          `lifeline: note: Docker engine ${e.id} is unreachable ${unreachableSince(e.data, now)}; ${NOT_MEASURED}\n`,
        );
      return printJson(list);
    }
    const out: string[] = [];
    if (list.length > 0) out.push(table(usageRows(list)));
    else if (down.length === 0) out.push('No container is measured yet (none running, or usage: false).');
    if (down.length > 0)
      out.push(
        down.map((e) => `${e.id}  UNREACHABLE ${unreachableSince(e.data, now)} — ${NOT_MEASURED}`).join('\n'),
      );
    process.stdout.write(`${out.join('\n\n')}\n`);
  });
}

export async function ctlLimitMemory(
  ref: string,
  size: string,
  opts: CtlGlobalOptions & GuardedOptions,
): Promise<void> {
  const bytes = parseSize(size);
  if (bytes === null) throw new CliError(`${size} is not a size: write 512m, 2g or a number of bytes`, 2);
  await withSession(opts, async (client) => {
    const target = resolveContainer(client, ref);
    const data = await runGuarded(client, ContainersLimitMemory, { target, args: { bytes } }, opts);
    if (opts.json) return printJson(data);
    const name = data.container.slice(data.container.indexOf('/') + 1);
    const kernel = data.cgroupBytes === null ? ' (the kernel’s limit is out of sight: a remote engine)' : '';
    process.stdout.write(`${name} is now limited to ${formatBytes(data.inspectBytes)} of memory${kernel}.\n`);
  });
}

export const registerContainersUsage: CtlRegistrar = (ctl: Command, g) => {
  ctl
    .command('top')
    .description("running containers' memory, growth, CPU and disk I/O, biggest first")
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => ctlTop({ ...g(), ...o }));
  ctl
    .command('limit-memory <container> <size>')
    .description('set a memory limit (docker update), e.g. 2g; asks to confirm, refused for a lifeline')
    .option('-y, --yes', 'answer the confirmation')
    .option('--json', 'machine-readable output')
    .action((ref: string, size: string, o: { yes?: boolean; json?: boolean }) =>
      ctlLimitMemory(ref, size, { ...g(), ...o }),
    );
};
