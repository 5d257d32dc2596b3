// Turns each container's readings into what a person reads: memory and its growth over the window,
// CPU percent and I/O rates from the last two readings, and the top consumers to show on Home.
import type { ContainerFix, ContainerUsage } from '../../../shared/protocol/host.js';
import type { ContainerReading } from './container-meter.js';
import { Series } from './series.js';

type Counters = Pick<
  ContainerReading,
  'memoryBytes' | 'memoryLimitBytes' | 'cpuNs' | 'readBytes' | 'writeBytes'
>;

const MiB = 1024 * 1024;
const LIMIT_STEP = 64 * MiB;

/** Room above today's use: enough not to kill it on the spot, low enough to stop a runaway. */
export function suggestedLimit(memoryBytes: number): number {
  return Math.max(LIMIT_STEP, Math.ceil((memoryBytes * 1.25) / LIMIT_STEP) * LIMIT_STEP);
}

function rate(now: number | null, then: number | null, ms: number): number | null {
  if (now === null || then === null || ms <= 0 || now < then) return null;
  return ((now - then) * 1000) / ms;
}

export class ContainerHistory {
  private readonly series = new Map<string, { name: string; points: Series<Counters> }>();

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
  ) {}

  /** Adds this tick's readings; containers no longer running are forgotten. */
  record(readings: ContainerReading[], runningIds: ReadonlySet<string>): void {
    for (const id of this.series.keys()) if (!runningIds.has(id)) this.series.delete(id);
    for (const r of readings) {
      let s = this.series.get(r.id);
      if (!s) {
        s = { name: r.name, points: new Series<Counters>(this.capacity) };
        this.series.set(r.id, s);
      }
      s.name = r.name;
      s.points.push(r.at, r);
    }
  }

  usage(
    now: number,
    fixesFor: (id: string, name: string) => ContainerFix[],
    via: (id: string) => 'cgroup' | 'stats',
  ): ContainerUsage[] {
    const out: ContainerUsage[] = [];
    for (const [id, s] of this.series) {
      const last = s.points.latest();
      if (!last) continue;
      const prev = s.points.back(1);
      const first = s.points.oldestSince(now - this.windowMs);
      const span = first && first !== last ? last.at - first.at : 0;
      const dt = prev ? last.at - prev.at : 0;
      const cpu = prev ? rate(last.value.cpuNs, prev.value.cpuNs, dt) : null;
      out.push({
        containerId: id.slice(0, 12),
        name: s.name,
        memoryBytes: last.value.memoryBytes,
        memoryLimitBytes: last.value.memoryLimitBytes,
        memoryGrowthBytes: span > 0 ? last.value.memoryBytes - first!.value.memoryBytes : null,
        growthWindowMs: span,
        // ns of CPU per second of wall time, as percent of one core.
        cpuPercent: cpu === null ? null : Math.round(cpu / 1e6) / 10,
        readBytesPerSec: prev ? rate(last.value.readBytes, prev.value.readBytes, dt) : null,
        writeBytesPerSec: prev ? rate(last.value.writeBytes, prev.value.writeBytes, dt) : null,
        via: via(id),
        at: last.at,
        suggestedLimitBytes: suggestedLimit(last.value.memoryBytes),
        fixes: fixesFor(id, s.name),
      });
    }
    return out;
  }
}

const io = (u: ContainerUsage) => (u.readBytesPerSec ?? 0) + (u.writeBytesPerSec ?? 0);

export const byMemory = (a: ContainerUsage, b: ContainerUsage) => b.memoryBytes - a.memoryBytes;
export const byCpu = (a: ContainerUsage, b: ContainerUsage) => (b.cpuPercent ?? 0) - (a.cpuPercent ?? 0);
export const byIo = (a: ContainerUsage, b: ContainerUsage) => io(b) - io(a);
export const byGrowth = (a: ContainerUsage, b: ContainerUsage) =>
  (b.memoryGrowthBytes ?? 0) - (a.memoryGrowthBytes ?? 0);

/** The few containers Home shows: the biggest by memory, the busiest CPU, the busiest disk, the fastest grower. */
export function topConsumers(all: ContainerUsage[], count = 5): ContainerUsage[] {
  const picked = new Map<string, ContainerUsage>();
  const take = (list: ContainerUsage[], n: number) => {
    for (const u of list.slice(0, n)) if (picked.size < count) picked.set(u.containerId, u);
  };
  take([...all].sort(byMemory), 3);
  take([...all].filter((u) => (u.cpuPercent ?? 0) > 0).sort(byCpu), 1);
  take([...all].filter((u) => io(u) > 0).sort(byIo), 1);
  take([...all].filter((u) => (u.memoryGrowthBytes ?? 0) > 0).sort(byGrowth), 1);
  take([...all].sort(byMemory), count);
  return [...picked.values()];
}
