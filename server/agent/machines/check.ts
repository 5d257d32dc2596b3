// `lifeline check` rows for Wake-on-LAN: per host the MAC checks (virtual NIC, locally
// administered, seen with another MAC), whether a broadcast can reach it, and one probe.
import type { CheckRow } from '../capability.js';
import type { HostRecord } from './host-record.js';
import type { Ipv4Network } from './networks.js';
import type { HostObserver } from './observe.js';

export async function checkRows(
  hosts: readonly HostRecord[],
  observer: HostObserver,
  nets: readonly Ipv4Network[],
): Promise<CheckRow[]> {
  if (hosts.length === 0) return [];
  const rows: CheckRow[] = [];
  const table = await observer.neighbours();
  rows.push(
    table.ok
      ? { name: 'neighbour table', status: 'ok', detail: `${table.entries.length} entries (${table.source})` }
      : { name: 'neighbour table', status: 'warn', detail: table.problem.message },
  );
  const probes = await Promise.all(hosts.map((h) => (h.config.address ? observer.observe(h) : null)));
  hosts.forEach((h, i) => {
    const warnings = h.warnings(nets);
    const macIssues = warnings.filter((w) => w.code !== 'no-broadcast-route');
    const seenHere = h.seen && h.seen.mac === h.config.mac ? ` · seen at ${h.seen.address}` : '';
    rows.push(
      macIssues.length > 0
        ? { name: `host ${h.id} MAC`, status: 'warn', detail: macIssues.map((w) => w.message).join('; ') }
        : {
            name: `host ${h.id} MAC`,
            status: 'ok',
            detail: `${h.config.mac}${seenHere || (h.config.address ? ' · not in the neighbour table yet' : '')}`,
          },
    );
    const route = warnings.find((w) => w.code === 'no-broadcast-route');
    if (route) rows.push({ name: `host ${h.id} route`, status: 'warn', detail: route.message });
    const r = probes[i];
    if (!r)
      rows.push({
        name: `host ${h.id} probe`,
        status: 'warn',
        detail: h.presence.problem?.message ?? 'no address',
      });
    else if (r.up === true)
      rows.push({
        name: `host ${h.id} probe`,
        status: 'ok',
        detail: `up (${h.describeProbe()}: ${r.answer})`,
      });
    else if (r.up === false)
      rows.push({
        name: `host ${h.id} probe`,
        status: 'ok',
        detail: `no answer to ${h.describeProbe()} (asleep or off?)`,
      });
    else rows.push({ name: `host ${h.id} probe`, status: 'warn', detail: r.problem.message });
  });
  return rows;
}
