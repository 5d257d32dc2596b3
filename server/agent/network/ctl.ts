// ctl's network commands: `network` (public address, names per resolver, DDNS) and
// `network update <name>` (a DDNS record now). `net` and `ddns update` are the earlier names.
import type { Command } from 'commander';
import { NetworkDdnsUpdate } from '../../../shared/protocol/network.js';
import type { CtlRegistrar } from '../../cli/ctl/commands.js';
import { type GuardedOptions, runGuarded } from '../../cli/ctl/guarded.js';
import { type CtlGlobalOptions, printJson, withSession } from '../../cli/ctl/session.js';
import { ago, clockTime, table } from '../../cli/format.js';

export async function ctlNet(opts: CtlGlobalOptions): Promise<void> {
  await withSession(opts, async (client) => {
    const ips = client.list('network.public-ip').map((e) => e.data);
    const names = client.list('network.name').map((e) => e.data);
    const ddns = client.list('network.ddns').map((e) => e.data);
    if (opts.json) return printJson({ publicIp: ips, names, ddns });
    const now = Date.now();
    const out: string[] = [];
    if (ips.length === 0 && names.length === 0)
      out.push('Network watching is off: no network.names in the config.');
    for (const ip of ips.sort((a, b) => (a.family < b.family ? -1 : 1))) {
      const label = ip.family === 'ipv4' ? 'Public IPv4' : 'Public IPv6';
      const since = ip.since ? ` since ${clockTime(ip.since)} (${ago(ip.since, now)})` : '';
      out.push(`${label}: ${ip.address ?? 'unknown'}${since}`);
      if (ip.agree.length) out.push(`  agree: ${ip.agree.join(', ')}`);
      for (const d of ip.disagree) out.push(`  disagrees: ${d.source} says ${d.address}`);
      for (const s of ip.sources.filter((r) => r.error)) out.push(`  ${s.source}: ${s.error}`);
      if (ip.warning) out.push(`  ! ${ip.warning}`);
      const last = ip.history.find((h) => h.from);
      if (last)
        out.push(
          `  last change: ${last.from} → ${last.to} at ${clockTime(last.at)} (first seen by ${last.firstSource})`,
        );
    }
    for (const n of names) {
      const badge = n.status.toUpperCase();
      out.push('', `${n.name}: ${badge} since ${clockTime(n.since)} (${ago(n.since, now)})`);
      if (n.note) out.push(`  ${n.note}`);
      const rows = [['  RESOLVER', 'A', 'AAAA', 'STATUS']];
      for (const r of n.resolvers)
        rows.push([
          `  ${r.resolver}`,
          r.a.map((x) => `${x.address} (ttl ${x.ttl})`).join(', ') || '—',
          r.aaaa.map((x) => `${x.address} (ttl ${x.ttl})`).join(', ') || '—',
          r.status === 'error' ? `error: ${r.error}` : r.status,
        ]);
      out.push(table(rows));
    }
    for (const d of ddns) {
      const last = d.lastAttempt
        ? `${d.lastAttempt.ok ? 'ok' : `failed: ${d.lastAttempt.message ?? d.lastAttempt.code}`} ${ago(d.lastAttempt.at, now)}`
        : 'no attempt yet';
      const retry = d.nextRetryAt ? `; retry ${d.failures + 1} at ${clockTime(d.nextRetryAt)}` : '';
      out.push('', `DDNS ${d.record} (${d.provider}): ${d.status}; last attempt ${last}${retry}`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
  });
}

export async function ctlDdnsUpdate(name: string, opts: CtlGlobalOptions & GuardedOptions): Promise<void> {
  await withSession(opts, async (client) => {
    const data = await runGuarded(client, NetworkDdnsUpdate, { target: name }, opts);
    if (opts.json) return printJson(data);
    const to = Object.values(data.desired).join(', ');
    process.stdout.write(`${name} points at ${to} (${data.provider}, ${data.status}).\n`);
  });
}

export const registerNetwork: CtlRegistrar = (ctl: Command, g) => {
  const network = ctl
    .command('network')
    .alias('net')
    .description('public IP (which sources agree), each name per resolver, DDNS status')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => ctlNet({ ...g(), ...o }));
  const update = (cmd: Command) =>
    cmd
      .command('update <name>')
      .description('update a DDNS record to the public address now, even if it looks right')
      .option('-y, --yes', 'answer a confirmation, if the agent asks for one')
      .option('--json', 'machine-readable output')
      .action((name: string, o: { yes?: boolean; json?: boolean }) =>
        ctlDdnsUpdate(name, { ...g(), ...network.opts(), ...o }),
      );
  update(network);
  update(
    ctl.command('ddns', { hidden: true }).description('the built-in DDNS updater (now `network update`)'),
  );
};
