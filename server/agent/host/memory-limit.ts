// The run part of "set a memory limit" (`docker update`): the guard (refused for lifeline
// containers, confirmed otherwise) is wired around it by the agent. The limit is read back twice:
// from inspect (what the engine recorded) and from the cgroup file (what the kernel enforces).
import { type ErrorCode, LifelineError } from '../../../shared/protocol/errors.js';
import type { MessageDescriptor } from '../../../shared/protocol/host.js';
import { CGROUP_LAYOUTS, findLayout, readCgroupMemoryLimit, readCgroupUsage } from './cgroup-readers.js';
import { parseStats } from './container-meter.js';
import { suggestedLimit } from './container-usage.js';
import type { HostDockerApi } from './docker-access.js';
import type { HostFiles } from './host-files.js';
import { type HostMessageKey, render } from './messages.js';

/** Docker refuses less ("Minimum memory limit allowed is 6MB"). */
export const MIN_MEMORY_LIMIT = 6 * 1024 * 1024;
const PAGE = 4096;

export interface MemoryLimitResult {
  containerId: string;
  name: string;
  requestedBytes: number;
  /** HostConfig.Memory / MemorySwap after the update. */
  inspectBytes: number;
  inspectSwapBytes: number;
  /** The kernel's limit; null when the agent cannot see the container's cgroup (a remote engine). */
  cgroupBytes: number | null;
  message: MessageDescriptor;
  text: string;
}

function fail(code: ErrorCode, key: HostMessageKey, params: Record<string, string | number>): LifelineError {
  return new LifelineError(code, render({ key, params }), params);
}

function engineMessage(err: unknown): string {
  const e = err as { json?: { message?: string } | null; message?: string };
  return (e?.json?.message ?? e?.message ?? String(err)).replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

/**
 * Sets the container's memory limit, with MemorySwap equal to it (plus `swapBytes`), so the limit
 * holds instead of spilling into swap; an existing larger MemorySwap would otherwise make Docker
 * refuse a lower Memory.
 */
export async function setMemoryLimit(
  deps: { api: HostDockerApi; files: HostFiles },
  container: string,
  limitBytes: number,
  opts: { swapBytes?: number } = {},
): Promise<MemoryLimitResult> {
  if (!Number.isSafeInteger(limitBytes) || limitBytes < MIN_MEMORY_LIMIT)
    throw fail('bad-args', 'host.memoryLimit.tooSmall', { minBytes: MIN_MEMORY_LIMIT });
  const swap = opts.swapBytes ?? 0;
  if (!Number.isSafeInteger(swap) || swap < 0) throw fail('bad-args', 'host.memoryLimit.badSwap', {});

  const running = await deps.api.running();
  const c =
    running.find((r) => r.id === container || r.name === container) ??
    (/^[0-9a-f]{12,64}$/.test(container) ? running.find((r) => r.id.startsWith(container)) : undefined);
  if (!c) throw fail('not-found', 'host.memoryLimit.notRunning', { name: container });
  const name = c.name;

  // Below what it uses now, cgroup v2 OOM-kills the container on the spot (v1 refuses): a database
  // killed mid-write is how the outage behind this feature lost its data. Ask for more room instead.
  const layout = findLayout(deps.files, c.id, CGROUP_LAYOUTS);
  const usage = layout
    ? readCgroupUsage(deps.files, layout, c.id)
    : parseStats(await deps.api.oneShotStats(c.id).catch(() => null), null);
  if (usage && limitBytes < usage.memoryBytes)
    throw fail('bad-args', 'host.memoryLimit.belowUsage', {
      name,
      limitBytes,
      usageBytes: usage.memoryBytes,
      suggestedBytes: suggestedLimit(usage.memoryBytes),
    });

  try {
    await deps.api.updateMemory(c.id, { memoryBytes: limitBytes, memorySwapBytes: limitBytes + swap });
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404)
      throw fail('not-found', 'host.memoryLimit.notRunning', { name });
    throw fail('failed', 'host.memoryLimit.refused', { name, reason: engineMessage(err) });
  }

  const inspect = await deps.api.memoryLimits(c.id);
  if (!inspect) throw fail('not-found', 'host.memoryLimit.notRunning', { name });
  if (inspect.memoryBytes !== limitBytes)
    throw fail('failed', 'host.memoryLimit.engineDiffers', { name, actualBytes: inspect.memoryBytes });
  const cgroup = layout ? readCgroupMemoryLimit(deps.files, layout, c.id) : null;
  if (cgroup === 'unlimited') throw fail('failed', 'host.memoryLimit.kernelNone', { name });
  // The kernel keeps limits in whole pages.
  if (cgroup !== null && Math.abs(cgroup - limitBytes) >= PAGE)
    throw fail('failed', 'host.memoryLimit.kernelDiffers', { name, actualBytes: cgroup });
  const message: MessageDescriptor = { key: 'host.memoryLimit.set', params: { name, limitBytes } };
  return {
    containerId: c.id.slice(0, 12),
    name,
    requestedBytes: limitBytes,
    inspectBytes: inspect.memoryBytes,
    inspectSwapBytes: inspect.memorySwapBytes,
    cgroupBytes: cgroup,
    message,
    text: render(message),
  };
}
