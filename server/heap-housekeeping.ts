// Giving back the heap a long-running process no longer uses (issue 12: an idle agent within 10 % of
// its stack's floor).
//
// What an idle agent allocates (each poll's request, reading and new state) lives for seconds, long
// enough for V8 to promote part of it to the old generation. There V8 leaves it until the old
// generation has grown by its minimum step (8 MiB) since the last full collection, and even that
// collection keeps most pages, compacting only the most fragmented. Measured with 200 containers,
// 20 plugs and 10 machines: start-up ends with 14.2 MiB of old space (V8's memory reducer runs then),
// which then grows by ~13 KiB a second, 0.8 MiB a minute, with no full collection in the three
// minutes watched; the bare stack, which allocates nothing after start, stays where it started.
//
// So: every `everyMs`, a look at the old generation; once it has grown by `growthBytes` since the
// last full collection (this one's or V8's own), one that compacts every page, which returns the
// emptied pages to the system. For the big home that is ~30 ms of one core every minute or so; a process that
// allocates nothing is never collected. Runs in the `lifeline agent`, `start` and `relay` processes
// (server/cli), not inside createAgent: tests embed agents in a shared worker.
import type { Logger } from './log.js';

export interface HeapHousekeepingOptions {
  /** How often to look at the old generation. */
  everyMs?: number;
  /** How much it may grow (bytes in use) before a collection. */
  growthBytes?: number;
  log?: Logger;
  /** Bytes in use in V8's old generation; a seam for tests. */
  oldSpaceUsed?: () => number;
  /** One full, compacting collection; a seam for tests. */
  collect?: () => void;
}

export interface HeapHousekeeping {
  stop(): void;
  /** Collections made so far. */
  readonly collections: number;
}

const EVERY_MS = 30_000;
const GROWTH_BYTES = 1 << 20;
const mib = (bytes: number) => (bytes / (1 << 20)).toFixed(1);

export function startHeapHousekeeping(opts: HeapHousekeepingOptions = {}): HeapHousekeeping {
  const used = opts.oldSpaceUsed ?? oldSpaceUsed;
  const collect = opts.collect ?? compactingCollection();
  const growth = opts.growthBytes ?? GROWTH_BYTES;
  let base = used();
  let collections = 0;
  const timer = setInterval(() => {
    const before = used();
    // V8 collected by itself since the last look: start counting from there.
    if (before < base) base = before;
    if (before - base < growth) return;
    const started = performance.now();
    try {
      collect();
    } catch (err) {
      // A runtime that no longer lets a program collect (say, V8 flags frozen): memory as before.
      clearInterval(timer);
      opts.log?.warn(`heap housekeeping stopped: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    collections++;
    base = used();
    opts.log?.debug(
      `heap: old generation ${mib(before)} → ${mib(base)} MiB in use, compacted in ${Math.round(performance.now() - started)} ms`,
    );
  }, opts.everyMs ?? EVERY_MS);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    get collections() {
      return collections;
    },
  };
}

function oldSpaceUsed(): number {
  const v8 = process.getBuiltinModule('v8');
  return v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? 0;
}

/**
 * A full collection that compacts every page. Node has no call for one: V8's `gc` function, which
 * `--expose-gc` installs in each context made after it is set, is taken from a context of its own,
 * made for the call and dropped after it (kept, it would hold ~140 KiB); node started with
 * --expose-gc has it already. `--compact-on-every-full-gc` is V8's own switch for compacting all
 * pages, set for this one call only.
 */
function compactingCollection(): () => void {
  const v8 = process.getBuiltinModule('v8');
  const vm = process.getBuiltinModule('vm');
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (!exposed) v8.setFlagsFromString('--expose-gc');
  return () => {
    const gc = exposed ?? (vm.runInNewContext('gc') as () => void);
    v8.setFlagsFromString('--compact-on-every-full-gc');
    try {
      gc();
    } finally {
      v8.setFlagsFromString('--no-compact-on-every-full-gc');
    }
  };
}
