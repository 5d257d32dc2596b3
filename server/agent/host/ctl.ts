// ctl's host command: `host` (CPU, load, memory and swap, pressure, disks, temperatures, the active
// alerts and the biggest containers), as the Home card and the host screen show them.
import type { Command } from 'commander';
import type { Lang } from '../../../shared/messages/define.js';
import { formatBytes } from '../../../shared/messages/format.js';
import { say } from '../../../shared/messages/say.js';
import type { ContainerUsage } from '../../../shared/protocol/containers.js';
import type { HostVitals, PressureVitals } from '../../../shared/protocol/host.js';
import type { CtlRegistrar } from '../../cli/ctl/commands.js';
import { type CtlGlobalOptions, printJson, withSession } from '../../cli/ctl/session.js';
import { ago, percent as formatPercent, table, terminalLang } from '../../cli/format.js';
import { withConsumers } from './messages.js';

const dash = '—';
const bytes = (n: number | null | undefined) => (n === null || n === undefined ? dash : formatBytes(n));
const rate = (n: number | null | undefined) => (n === null || n === undefined ? dash : `${formatBytes(n)}/s`);
const pct = (n: number | null | undefined) => (n === null || n === undefined ? dash : formatPercent(n));

function pressure(p: PressureVitals): string {
  if (!p) return dash;
  return p.full ? `${p.some.avg10.toFixed(1)} / ${p.full.avg10.toFixed(1)}` : p.some.avg10.toFixed(1);
}

function consumer(u: ContainerUsage): string[] {
  const growth =
    u.memoryGrowthBytes !== null && u.memoryGrowthBytes !== 0
      ? `${u.memoryGrowthBytes > 0 ? '+' : ''}${formatBytes(u.memoryGrowthBytes)}`
      : dash;
  const io = `${rate(u.readBytesPerSec)} / ${rate(u.writeBytesPerSec)}`;
  return [
    `${u.engine}/${u.name}`,
    bytes(u.memoryBytes),
    u.memoryLimitBytes === null ? 'none' : bytes(u.memoryLimitBytes),
    growth,
    u.cpuPercent === null ? dash : `${u.cpuPercent}%`,
    io,
  ];
}

export function hostLines(h: HostVitals, now = Date.now(), lang: Lang = 'en'): string[] {
  const out: string[] = [];
  const cpu = h.cpu
    ? `${formatPercent(h.cpu.busyPercent)} busy, ${formatPercent(h.cpu.iowaitPercent)} waiting on disk (${h.cpu.cpus} CPUs)`
    : dash;
  const load = h.load ? `${h.load.one} ${h.load.five} ${h.load.fifteen}` : dash;
  out.push(`Host (read from ${h.root}, ${ago(h.at, now)})`, `CPU: ${cpu}; load ${load}`);
  if (h.memory) {
    const m = h.memory;
    const swap = m.swapTotalBytes > 0 ? `${bytes(m.swapUsedBytes)} of ${bytes(m.swapTotalBytes)}` : 'none';
    out.push(
      `Memory: ${bytes(m.availableBytes)} available of ${bytes(m.totalBytes)} (${pct(m.availablePercent)}); swap used ${swap}`,
    );
  } else out.push(`Memory: ${dash}`);
  const p = h.pressure;
  out.push(
    `Pressure, % of the last 10 s stalled (some / full): CPU ${pressure(p.cpu)}, memory ${pressure(p.memory)}, I/O ${pressure(p.io)}`,
  );
  if (h.mounts.length) {
    const rows = [['  MOUNT', 'USED', 'FREE', 'SIZE', 'GROWTH', 'READ / WRITE']];
    for (const m of h.mounts)
      rows.push([
        `  ${m.mountPoint}`,
        pct(m.usedPercent),
        bytes(m.availableBytes),
        bytes(m.sizeBytes),
        m.growthBytes ? `${m.growthBytes > 0 ? '+' : ''}${formatBytes(m.growthBytes)}` : dash,
        `${rate(m.readBytesPerSec)} / ${rate(m.writeBytesPerSec)}`,
      ]);
    out.push('Disks:', table(rows));
  }
  if (h.temperatures.length)
    out.push(
      `Temperatures: ${h.temperatures.map((t) => `${t.label} ${Math.round(t.celsius)} °C`).join(', ')}`,
    );
  if (h.alerts.length) {
    out.push('Alerts:');
    for (const a of h.alerts)
      out.push(`  ! ${say(withConsumers(a.message, a.consumers), lang)} (since ${ago(a.since, now)})`);
  } else out.push('Alerts: none');
  if (h.top.length) {
    const via = h.containers.source
      ? ` (read from ${h.containers.source === 'stats' ? 'Docker stats' : 'cgroup files'})`
      : '';
    out.push(
      `Top containers of ${h.containers.measured} measured${via}:`,
      table([
        ['  CONTAINER', 'MEMORY', 'LIMIT', 'GROWTH', 'CPU', 'READ / WRITE'],
        ...h.top.map((u) => consumer(u).map((c, i) => (i === 0 ? `  ${c}` : c))),
      ]),
    );
  }
  if (h.unavailable.length) out.push(`Not available: ${h.unavailable.join('; ')}`);
  return out;
}

export async function ctlHost(opts: CtlGlobalOptions): Promise<void> {
  await withSession(opts, async (client) => {
    const host = client.list('host')[0]?.data;
    if (opts.json) return printJson(host ?? null);
    if (!host) {
      process.stdout.write('Host vitals are off: add `host: {}` to the config (docs/host.md).\n');
      return;
    }
    process.stdout.write(`${hostLines(host, Date.now(), terminalLang()).join('\n')}\n`);
  });
}

export const registerHost: CtlRegistrar = (ctl: Command, g) => {
  ctl
    .command('host')
    .description("the host's vitals: CPU, memory, pressure, disks, temperatures, alerts, top containers")
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => ctlHost({ ...g(), ...o }));
};
