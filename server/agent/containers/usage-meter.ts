// Measures an engine's running containers each tick: every container whose cgroup the agent can
// see, from its cgroup files; the others (a remote engine, an unusual cgroup parent) by one-shot
// stats requests, a few per tick in turn, since one request per container per tick is too costly
// at 200. The running list comes from the container table, so a tick asks the engine nothing
// when every cgroup is in sight.
import type { HostFiles } from '../host-files.js';
import {
  type CgroupLayout,
  findLayout,
  layoutOrder,
  readCgroupUsage,
  type UsageReading,
} from './cgroup-readers.js';
import type { EngineApi, EngineFacts } from './engine-api.js';

export interface RunningContainer {
  /** Docker's full 64-hex id: the cgroup folders are named by it. */
  id: string;
  name: string;
}

export interface ContainerReading extends UsageReading {
  id: string;
  name: string;
  at: number;
  via: 'cgroup' | 'stats';
}

export interface MeterOptions {
  files: HostFiles;
  /** The engine while attached, else null. */
  api: () => EngineApi | null;
  now: () => number;
  /** Containers measured at most (the rest are left out, by name order). */
  max?: number;
  /** One-shot stats requests per tick for containers without visible cgroup files. */
  statsPerTick?: number;
}

export interface MeterResult {
  readings: ContainerReading[];
  /** The containers measured this tick (or in turn, for stats). */
  running: RunningContainer[];
}

const REPROBE_TICKS = 30;

export class UsageMeter {
  private facts: EngineFacts | null = null;
  private order: CgroupLayout[] | null = null;
  /** Per container: where its cgroup is, or null when it has none the agent can see (asked again later). */
  private readonly layouts = new Map<string, CgroupLayout | null>();
  private readonly probedAt = new Map<string, number>();
  private ticks = 0;
  private turn = 0;

  constructor(private readonly opts: MeterOptions) {}

  /** How the containers are measured now: null before the first tick. */
  get source(): 'cgroup' | 'stats' | 'mixed' | null {
    const seen = [...this.layouts.values()];
    if (seen.length === 0) return null;
    const visible = seen.filter((l) => l !== null).length;
    return visible === seen.length ? 'cgroup' : visible === 0 ? 'stats' : 'mixed';
  }

  /** The engine was attached again (perhaps after an upgrade): ask `docker info` anew. */
  reset(): void {
    this.facts = null;
    this.order = null;
    this.layouts.clear();
    this.probedAt.clear();
  }

  async read(all: readonly RunningContainer[]): Promise<MeterResult> {
    const api = this.opts.api();
    if (api && (this.order === null || (this.facts === null && this.ticks % REPROBE_TICKS === 0))) {
      this.facts = await api.info().catch(() => null);
      this.order = layoutOrder(this.facts?.cgroupVersion ?? null, this.facts?.cgroupDriver ?? null);
    }
    const order = this.order ?? layoutOrder(null, null);
    const running = [...all].sort((a, b) => a.name.localeCompare(b.name)).slice(0, this.opts.max ?? 200);
    const tick = this.ticks++;
    const ids = new Set(running.map((c) => c.id));
    for (const id of this.layouts.keys())
      if (!ids.has(id)) {
        this.layouts.delete(id);
        this.probedAt.delete(id);
      }

    const readings: ContainerReading[] = [];
    const remote: RunningContainer[] = [];
    for (const c of running) {
      let layout = this.layouts.get(c.id);
      // A container seen just as it starts may not have its cgroup yet: look again now and then.
      if (
        layout === undefined ||
        (layout === null && tick - (this.probedAt.get(c.id) ?? 0) >= REPROBE_TICKS)
      ) {
        layout = findLayout(this.opts.files, c.id, order);
        this.layouts.set(c.id, layout);
        this.probedAt.set(c.id, tick);
      }
      const usage = layout ? readCgroupUsage(this.opts.files, layout, c.id) : null;
      if (usage) readings.push({ ...usage, id: c.id, name: c.name, at: this.opts.now(), via: 'cgroup' });
      else remote.push(c);
    }
    if (api) readings.push(...(await this.sampleStats(api, remote)));
    return { readings, running };
  }

  private async sampleStats(api: EngineApi, remote: RunningContainer[]): Promise<ContainerReading[]> {
    if (remote.length === 0) return [];
    const n = Math.min(remote.length, this.opts.statsPerTick ?? 4);
    const start = this.turn % remote.length;
    this.turn = start + n;
    const batch = Array.from({ length: n }, (_, i) => remote[(start + i) % remote.length]!);
    const out = await Promise.all(
      batch.map(async (c) => {
        const raw = await api.stats(c.id).catch(() => null);
        const usage = parseStats(raw, this.facts?.memTotalBytes ?? null);
        return usage
          ? { ...usage, id: c.id, name: c.name, at: this.opts.now(), via: 'stats' as const }
          : null;
      }),
    );
    return out.filter((r) => r !== null);
  }
}

const n = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) && x >= 0 ? x : null);

/** Docker's stats JSON, read the way `docker stats` reads it; null when it is not that shape. */
export function parseStats(raw: unknown, memTotal: number | null): UsageReading | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const s = raw as {
    memory_stats?: { usage?: unknown; limit?: unknown; stats?: Record<string, unknown> };
    cpu_stats?: { cpu_usage?: { total_usage?: unknown } };
    blkio_stats?: { io_service_bytes_recursive?: unknown };
  };
  const usage = n(s.memory_stats?.usage);
  if (usage === null) return null;
  const st = s.memory_stats?.stats ?? {};
  const inactive = n(st.total_inactive_file) ?? n(st.inactive_file) ?? 0;
  const limit = n(s.memory_stats?.limit);
  let read: number | null = null;
  let write: number | null = null;
  const io = s.blkio_stats?.io_service_bytes_recursive;
  if (Array.isArray(io)) {
    read = 0;
    write = 0;
    for (const e of io as { op?: unknown; value?: unknown }[]) {
      const op = typeof e?.op === 'string' ? e.op.toLowerCase() : '';
      if (op === 'read') read += n(e.value) ?? 0;
      if (op === 'write') write += n(e.value) ?? 0;
    }
  }
  return {
    memoryBytes: Math.max(0, usage - inactive),
    // An unlimited container reports the host's memory as its limit.
    memoryLimitBytes: limit === null || (memTotal !== null && limit >= memTotal) ? null : limit,
    cpuNs: n(s.cpu_stats?.cpu_usage?.total_usage),
    readBytes: read,
    writeBytes: write,
  };
}
