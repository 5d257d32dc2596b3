// When a container's usage is worth sending to the phones again: only once a figure has moved past
// its step since it was last published. 200 quiet containers then cost no update per tick, while
// one growing toward its limit is republished every tick it grows.
import type { ContainerUsage } from '../../../shared/protocol/containers.js';

const MiB = 1024 * 1024;

/** 2 % of the limit (or of the use, when unlimited), at least 1 MB, at most 16 MB. */
export function memoryStep(u: Pick<ContainerUsage, 'memoryBytes' | 'memoryLimitBytes'>): number {
  return Math.max(MiB, Math.min(16 * MiB, 0.02 * (u.memoryLimitBytes ?? u.memoryBytes)));
}

function moved(a: number | null, b: number | null, step: number): boolean {
  if (a === null || b === null) return a !== b;
  return Math.abs(a - b) >= step;
}

const io = (u: ContainerUsage) =>
  u.readBytesPerSec === null && u.writeBytesPerSec === null
    ? null
    : (u.readBytesPerSec ?? 0) + (u.writeBytesPerSec ?? 0);

export function movedEnough(before: ContainerUsage, now: ContainerUsage): boolean {
  if (
    before.name !== now.name ||
    before.containerId !== now.containerId ||
    before.memoryLimitBytes !== now.memoryLimitBytes ||
    before.via !== now.via ||
    before.fixes.join() !== now.fixes.join()
  )
    return true;
  const mem = memoryStep(now);
  if (moved(before.memoryBytes, now.memoryBytes, mem)) return true;
  if (moved(before.memoryGrowthBytes, now.memoryGrowthBytes, mem)) return true;
  const cpu = Math.max(5, 0.25 * Math.max(before.cpuPercent ?? 0, now.cpuPercent ?? 0));
  if (moved(before.cpuPercent, now.cpuPercent, cpu)) return true;
  const a = io(before);
  const b = io(now);
  return moved(a, b, Math.max(256 * 1024, 0.5 * Math.max(a ?? 0, b ?? 0)));
}
