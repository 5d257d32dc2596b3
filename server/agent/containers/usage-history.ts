// Turns each container's readings into what a person reads: memory and its growth over the window,
// CPU percent and I/O rates from the last two readings, and a memory limit to suggest.
import type { ContainerFix, ContainerUsage } from '../../../shared/protocol/containers.js';
import { Series } from '../series.js';
import type { ContainerReading } from './usage-meter.js';

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

export interface UsageRow {
  /** Docker's full id. */
  id: string;
  usage: ContainerUsage;
}

export class UsageHistory {
  private readonly series = new Map<
    string,
    { name: string; via: 'cgroup' | 'stats'; points: Series<Counters> }
  >();

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
        s = { name: r.name, via: r.via, points: new Series<Counters>(this.capacity) };
        this.series.set(r.id, s);
      }
      s.name = r.name;
      s.via = r.via;
      s.points.push(r.at, r);
    }
  }

  usage(engine: string, now: number, fixesFor: (id: string, name: string) => ContainerFix[]): UsageRow[] {
    const out: UsageRow[] = [];
    for (const [id, s] of this.series) {
      const last = s.points.latest();
      if (!last) continue;
      const prev = s.points.back(1);
      const first = s.points.oldestSince(now - this.windowMs);
      const span = first && first !== last ? last.at - first.at : 0;
      const dt = prev ? last.at - prev.at : 0;
      const cpu = prev ? rate(last.value.cpuNs, prev.value.cpuNs, dt) : null;
      out.push({
        id,
        usage: {
          engine,
          name: s.name,
          containerId: id.slice(0, 12),
          memoryBytes: last.value.memoryBytes,
          memoryLimitBytes: last.value.memoryLimitBytes,
          memoryGrowthBytes: span > 0 ? last.value.memoryBytes - first!.value.memoryBytes : null,
          growthWindowMs: span,
          // ns of CPU per second of wall time, as percent of one core.
          cpuPercent: cpu === null ? null : Math.round(cpu / 1e6) / 10,
          readBytesPerSec: prev ? rate(last.value.readBytes, prev.value.readBytes, dt) : null,
          writeBytesPerSec: prev ? rate(last.value.writeBytes, prev.value.writeBytes, dt) : null,
          via: s.via,
          at: last.at,
          suggestedLimitBytes: suggestedLimit(last.value.memoryBytes),
          fixes: fixesFor(id, s.name),
        },
      });
    }
    return out;
  }
}
