// The containers Home names when the host is under pressure, from the containers capability's
// `containers.usage` entities: the biggest by memory, the busiest CPU, the busiest disk, and the
// fastest grower.
import type { ContainerUsage } from '../../../shared/protocol/containers.js';

const io = (u: ContainerUsage) => (u.readBytesPerSec ?? 0) + (u.writeBytesPerSec ?? 0);

export const byMemory = (a: ContainerUsage, b: ContainerUsage) => b.memoryBytes - a.memoryBytes;
export const byCpu = (a: ContainerUsage, b: ContainerUsage) => (b.cpuPercent ?? 0) - (a.cpuPercent ?? 0);
export const byIo = (a: ContainerUsage, b: ContainerUsage) => io(b) - io(a);
export const byGrowth = (a: ContainerUsage, b: ContainerUsage) =>
  (b.memoryGrowthBytes ?? 0) - (a.memoryGrowthBytes ?? 0);

/** The few containers Home shows: the biggest by memory, the busiest CPU, the busiest disk, the fastest grower. */
export function topConsumers(all: readonly ContainerUsage[], count = 5): ContainerUsage[] {
  const picked = new Map<string, ContainerUsage>();
  const take = (list: ContainerUsage[], n: number) => {
    for (const u of list.slice(0, n)) if (picked.size < count) picked.set(`${u.engine}/${u.name}`, u);
  };
  take([...all].sort(byMemory), 3);
  take([...all].filter((u) => (u.cpuPercent ?? 0) > 0).sort(byCpu), 1);
  take([...all].filter((u) => io(u) > 0).sort(byIo), 1);
  take([...all].filter((u) => (u.memoryGrowthBytes ?? 0) > 0).sort(byGrowth), 1);
  take([...all].sort(byMemory), count);
  return [...picked.values()];
}
