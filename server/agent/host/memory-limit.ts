// The run part of "set a memory limit" (`docker update`): the guard (refused for lifeline
// containers, confirmed otherwise) is wired around it by the agent. The limit is read back twice:
// from inspect (what the engine recorded) and from the cgroup file (what the kernel enforces).
import { LifelineError } from '../../../shared/protocol/errors.js';
import type { MessageDescriptor } from '../../../shared/protocol/host.js';
import { CGROUP_LAYOUTS, findLayout, readCgroupMemoryLimit } from './cgroup-readers.js';
import type { HostDockerApi } from './docker-access.js';
import type { HostFiles } from './host-files.js';
import { formatBytes, render } from './messages.js';

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
  cgroupBytes: number | 'unlimited' | null;
  message: MessageDescriptor;
  text: string;
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
    throw new LifelineError('bad-args', `a memory limit must be at least ${formatBytes(MIN_MEMORY_LIMIT)}`, {
      min: MIN_MEMORY_LIMIT,
    });
  const swap = opts.swapBytes ?? 0;
  if (!Number.isSafeInteger(swap) || swap < 0)
    throw new LifelineError('bad-args', 'swap must be a whole number of bytes, 0 or more');

  const running = await deps.api.running();
  const c =
    running.find((r) => r.id === container || r.name === container) ??
    (/^[0-9a-f]{12,64}$/.test(container) ? running.find((r) => r.id.startsWith(container)) : undefined);
  if (!c) throw new LifelineError('not-found', `no running container ${container}`, { container });

  try {
    await deps.api.updateMemory(c.id, { memoryBytes: limitBytes, memorySwapBytes: limitBytes + swap });
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 404) throw new LifelineError('not-found', `no container ${c.name}`, { container: c.name });
    throw new LifelineError('failed', `Docker refused the limit for ${c.name}: ${engineMessage(err)}`, {
      container: c.name,
    });
  }

  const inspect = await deps.api.memoryLimits(c.id);
  if (!inspect) throw new LifelineError('not-found', `${c.name} is gone`, { container: c.name });
  if (inspect.memoryBytes !== limitBytes)
    throw new LifelineError(
      'failed',
      `the engine accepted the limit for ${c.name} but reports ${formatBytes(inspect.memoryBytes)}`,
      { container: c.name },
    );
  const layout = findLayout(deps.files, c.id, CGROUP_LAYOUTS);
  const cgroupBytes = layout ? readCgroupMemoryLimit(deps.files, layout, c.id) : null;
  // The kernel keeps limits in whole pages.
  if (typeof cgroupBytes === 'number' && Math.abs(cgroupBytes - limitBytes) >= PAGE)
    throw new LifelineError(
      'failed',
      `the engine recorded the limit for ${c.name}, but the kernel enforces ${formatBytes(cgroupBytes)}`,
      { container: c.name },
    );
  if (cgroupBytes === 'unlimited')
    throw new LifelineError(
      'failed',
      `the engine recorded the limit for ${c.name}, but the kernel has none`,
      {
        container: c.name,
      },
    );
  const message: MessageDescriptor = { key: 'host.memoryLimit.set', params: { name: c.name, limitBytes } };
  return {
    containerId: c.id.slice(0, 12),
    name: c.name,
    requestedBytes: limitBytes,
    inspectBytes: inspect.memoryBytes,
    inspectSwapBytes: inspect.memorySwapBytes,
    cgroupBytes,
    message,
    text: render(message),
  };
}
