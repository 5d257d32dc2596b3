// `lifeline check` rows for the host: can the agent read the host's /proc and /sys where the
// config says they are, and what is missing (pressure stall information, temperatures).

import { formatBytes } from '../../../shared/messages/format.js';
import { percent as formatPercent } from '../../cli/format.js';
import type { CheckRow } from '../capability.js';
import type { HostSample } from './sampler.js';

export function hostCheckRows(sample: HostSample): CheckRow[] {
  const v = sample.vitals;
  const where = v.root === '/' ? '' : ` under ${v.root}`;
  const rows: CheckRow[] = [];
  rows.push(
    v.memory
      ? {
          name: 'host: memory and CPU',
          status: 'ok',
          detail: `${formatBytes(v.memory.availableBytes)} of ${formatBytes(v.memory.totalBytes)} available${v.load ? `, load ${v.load.one}` : ''}${where}`,
        }
      : {
          name: 'host: memory and CPU',
          status: 'fail',
          detail: `cannot read the host's /proc${where}: ${v.unavailable.join('; ')} (in Docker, mount / at /host and set host.root: /host — docs/host.md)`,
        },
  );
  const psi = (['cpu', 'memory', 'io'] as const).filter((r) => v.pressure[r] !== null);
  rows.push(
    psi.length === 3
      ? {
          name: 'host: pressure stall information',
          status: 'ok',
          detail: `memory ${formatPercent(v.pressure.memory!.some.avg10)}, cpu ${formatPercent(v.pressure.cpu!.some.avg10)}, io ${formatPercent(v.pressure.io!.some.avg10)} (avg10)`,
        }
      : {
          name: 'host: pressure stall information',
          status: 'warn',
          detail:
            'not available: the kernel needs CONFIG_PSI (Linux 4.20 or later; some distributions want psi=1 on the kernel command line); memory pressure alerts fall back to available memory',
        },
  );
  const fullest = [...v.mounts]
    .filter((m) => m.usedPercent !== null)
    .sort((a, b) => b.usedPercent! - a.usedPercent!)[0];
  rows.push(
    fullest
      ? {
          name: 'host: filesystems',
          status: 'ok',
          detail: `${v.mounts.length} measured; fullest ${fullest.mountPoint} at ${formatPercent(fullest.usedPercent!)}`,
        }
      : {
          name: 'host: filesystems',
          status: 'warn',
          detail: `no filesystem space readable${where} (in Docker, mount / at /host: docs/host.md)`,
        },
  );
  rows.push({
    name: 'host: temperatures',
    status: 'ok',
    detail:
      v.temperatures.length > 0
        ? `${v.temperatures.length} sensors, hottest ${Math.max(...v.temperatures.map((t) => t.celsius))} °C`
        : 'none exposed (usual in VMs)',
  });
  return rows;
}
