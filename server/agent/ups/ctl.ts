// ctl's ups command: each UPS behind upsd (NUT) — online or on battery since when, charge,
// runtime, load, input voltage, warnings and the owner's onBattery rule — as the app shows it.
import type { Command } from 'commander';
import type { UpsInfo } from '../../../shared/protocol/ups.js';
import type { CtlRegistrar } from '../../cli/ctl/commands.js';
import { type CtlGlobalOptions, printJson, withSession } from '../../cli/ctl/session.js';
import { ago, clockTime, duration } from '../../cli/format.js';

const STATUS: Record<UpsInfo['status'], string> = {
  online: 'ONLINE',
  'on-battery': 'ON BATTERY',
  'low-battery': 'LOW BATTERY',
  unknown: 'UNKNOWN',
};

export function upsLines(id: string, u: UpsInfo, now = Date.now()): string[] {
  const head = `${u.name} (${u.upsName}@${u.address}${u.model ? `, ${u.model}` : ''})`;
  const status = u.reachable ? STATUS[u.status] : `UNREACHABLE (last known: ${STATUS[u.status]})`;
  const since = u.outage ? ` since ${clockTime(u.outage.since)} (${ago(u.outage.since, now)})` : '';
  const out = [`${id}: ${head}`, `  ${status}${since}`];
  if (u.problem) out.push(`  ! ${u.problem.message}`);
  const facts: string[] = [];
  if (u.charge !== undefined) facts.push(`charge ${u.charge}%`);
  if (u.runtimeSeconds !== undefined) facts.push(`runtime ${duration(u.runtimeSeconds * 1000)}`);
  if (u.load !== undefined) facts.push(`load ${u.load}%`);
  if (u.inputVoltage !== undefined) facts.push(`input ${u.inputVoltage} V`);
  if (u.battery) facts.push(`battery ${u.battery}`);
  if (facts.length) out.push(`  ${facts.join(', ')}`);
  if (u.warnings.length) out.push(`  warnings: ${u.warnings.join(', ')}`);
  if (u.rule) {
    const when = [
      u.rule.afterMinutes !== undefined ? `after ${u.rule.afterMinutes} min on battery` : null,
      u.rule.runtimeBelowMinutes !== undefined ? `below ${u.rule.runtimeBelowMinutes} min of runtime` : null,
    ]
      .filter(Boolean)
      .join(' or ');
    const fired = u.rule.firedAt ? `; fired at ${clockTime(u.rule.firedAt)}` : '';
    out.push(`  on battery: stop ${u.rule.stop.join(', ')} ${when || 'at low battery'}${fired}`);
  }
  if (!u.outage && u.lastOutage?.endedAt)
    out.push(
      `  last outage: ${clockTime(u.lastOutage.since)}, ${duration(u.lastOutage.endedAt - u.lastOutage.since)}`,
    );
  return out;
}

export async function ctlUps(opts: CtlGlobalOptions): Promise<void> {
  await withSession(opts, async (client) => {
    const list = client.list('ups').sort((a, b) => a.id.localeCompare(b.id));
    if (opts.json) return printJson(Object.fromEntries(list.map((e) => [e.id, e.data])));
    if (list.length === 0) {
      process.stdout.write('No UPS in the config: add a `ups:` entry (docs/ups.md).\n');
      return;
    }
    process.stdout.write(
      `${list.flatMap((e, i) => [...(i ? [''] : []), ...upsLines(e.id, e.data)]).join('\n')}\n`,
    );
  });
}

export const registerUps: CtlRegistrar = (ctl: Command, g) => {
  ctl
    .command('ups')
    .description('each UPS through NUT: power state, charge, runtime, load, input voltage, rule')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => ctlUps({ ...g(), ...o }));
};
