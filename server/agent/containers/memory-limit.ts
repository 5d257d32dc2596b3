// The run part of "limit memory" (`docker update`), the guard's containers.limit-memory. The limit
// is read back twice: from inspect (what the engine recorded) and from the cgroup file (what the
// kernel enforces).
import { fail, msg } from '../../../shared/messages/say.js';
import { MIN_MEMORY_LIMIT } from '../../../shared/protocol/containers.js';
import type { MessageRef } from '../../../shared/protocol/message.js';
import type { HostFiles } from '../host-files.js';
import { CGROUP_LAYOUTS, findLayout, readCgroupMemoryLimit, readCgroupUsage } from './cgroup-readers.js';
import { dockerMessage, type EngineApi, statusOf } from './engine-api.js';
import { suggestedLimit } from './usage-history.js';
import { parseStats } from './usage-meter.js';

const PAGE = 4096;

export interface MemoryLimitTarget {
  /** Docker's full id. */
  id: string;
  name: string;
}

export interface MemoryLimitResult {
  requestedBytes: number;
  inspectBytes: number;
  inspectSwapBytes: number;
  cgroupBytes: number | null;
  message: MessageRef;
}

/** What it uses now, from its cgroup (or a one-shot stats request when out of sight); null if unknown. */
export async function memoryInUse(
  deps: { api: EngineApi; files: HostFiles },
  id: string,
): Promise<number | null> {
  const layout = findLayout(deps.files, id, CGROUP_LAYOUTS);
  const usage = layout
    ? readCgroupUsage(deps.files, layout, id)
    : parseStats(await deps.api.stats(id).catch(() => null), null);
  return usage?.memoryBytes ?? null;
}

/**
 * Sets the container's memory limit, with MemorySwap equal to it (plus `swapBytes`), so the limit
 * holds instead of spilling into swap; an existing larger MemorySwap would otherwise make Docker
 * refuse a lower Memory.
 */
export async function setMemoryLimit(
  deps: { api: EngineApi; files: HostFiles },
  c: MemoryLimitTarget,
  limitBytes: number,
  opts: { swapBytes?: number } = {},
): Promise<MemoryLimitResult> {
  const { name } = c;
  if (!Number.isSafeInteger(limitBytes) || limitBytes < MIN_MEMORY_LIMIT)
    throw fail('bad-args', msg('containers.memoryLimit.tooSmall', { minBytes: MIN_MEMORY_LIMIT }));
  const swap = opts.swapBytes ?? 0;

  // Below what it uses now, cgroup v2 OOM-kills the container on the spot (v1 refuses): a database
  // killed mid-write is how the outage behind this feature lost its data. Ask for more room instead.
  const inUse = await memoryInUse(deps, c.id);
  if (inUse !== null && limitBytes < inUse)
    throw fail(
      'bad-args',
      msg('containers.memoryLimit.belowUsage', {
        name,
        limitBytes,
        usageBytes: inUse,
        suggestedBytes: suggestedLimit(inUse),
      }),
    );

  try {
    await deps.api.update(c.id, { Memory: limitBytes, MemorySwap: limitBytes + swap });
  } catch (err) {
    if (statusOf(err) === 404) throw fail('not-found', msg('containers.memoryLimit.notRunning', { name }));
    if (statusOf(err) === undefined) throw err;
    throw fail('failed', msg('containers.memoryLimit.refused', { name, reason: dockerMessage(err) }));
  }

  const inspect = await deps.api.inspect(c.id);
  if (!inspect) throw fail('not-found', msg('containers.memoryLimit.notRunning', { name }));
  const memory = inspect.HostConfig?.Memory ?? 0;
  if (memory !== limitBytes)
    throw fail('failed', msg('containers.memoryLimit.engineDiffers', { name, actualBytes: memory }));
  const layout = findLayout(deps.files, c.id, CGROUP_LAYOUTS);
  const cgroup = layout ? readCgroupMemoryLimit(deps.files, layout, c.id) : null;
  if (cgroup === 'unlimited') throw fail('failed', msg('containers.memoryLimit.kernelNone', { name }));
  // The kernel keeps limits in whole pages.
  if (cgroup !== null && Math.abs(cgroup - limitBytes) >= PAGE)
    throw fail('failed', msg('containers.memoryLimit.kernelDiffers', { name, actualBytes: cgroup }));
  return {
    requestedBytes: limitBytes,
    inspectBytes: memory,
    inspectSwapBytes: inspect.HostConfig?.MemorySwap ?? 0,
    cgroupBytes: cgroup,
    message: msg('containers.memoryLimit.set', { name, limitBytes }),
  };
}
