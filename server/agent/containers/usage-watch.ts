// Per-container use of one engine's running containers, every `usage.intervalSeconds`: read by the
// meter, turned into figures by the history, and published as `containers.usage` entities (id
// `<engine>/<name>`) only when they moved past their step (usage-steps.ts).
import type { ContainerFix, ContainerUsage } from '../../../shared/protocol/containers.js';
import type { Clock } from '../../clock.js';
import { describeError, type Logger } from '../../log.js';
import type { HostFiles } from '../host-files.js';
import type { StateStore } from '../state.js';
import type { UsageSettings } from './config.js';
import type { EngineApi } from './engine-api.js';
import { UsageHistory } from './usage-history.js';
import { type RunningContainer, UsageMeter } from './usage-meter.js';
import { movedEnough } from './usage-steps.js';

export interface UsageWatchOptions {
  engine: string;
  settings: UsageSettings;
  files: HostFiles;
  api: () => EngineApi | null;
  /** The running containers as the table knows them. */
  running: () => RunningContainer[];
  fixesFor: (id: string, name: string) => ContainerFix[];
  state: StateStore;
  clock: Clock;
  log: Logger;
}

/** A reading older than this many intervals is a container that stopped between two events. */
const STALE_INTERVALS = 3;
/** Containers read by stats take turns; theirs may be older, up to this. */
const STALE_STATS_MS = 10 * 60_000;

export class UsageWatch {
  private readonly meter: UsageMeter;
  private readonly history: UsageHistory;
  private readonly published = new Map<string, ContainerUsage>();
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private engineLost = false;

  constructor(private readonly opts: UsageWatchOptions) {
    const { settings, clock, files, api } = opts;
    this.meter = new UsageMeter({
      files,
      api,
      now: () => clock.now(),
      max: settings.max,
      statsPerTick: settings.statsPerTick,
    });
    const windowMs = settings.windowMinutes * 60_000;
    this.history = new UsageHistory(Math.ceil(windowMs / (settings.intervalSeconds * 1000)) + 2, windowMs);
  }

  get source(): 'cgroup' | 'stats' | 'mixed' | null {
    return this.meter.source;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const loop = async () => {
      try {
        await this.tick();
      } catch (err) {
        this.opts.log.warn(`measuring containers failed: ${describeError(err)}`);
      }
      if (this.running) this.timer = setTimeout(loop, this.opts.settings.intervalSeconds * 1000);
    };
    // CPU and I/O rates need two readings: the first tick comes a second after the engine is attached.
    this.timer = setTimeout(loop, Math.min(1000, this.opts.settings.intervalSeconds * 1000));
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Attached (again): the engine may have changed (an upgrade, another cgroup driver). */
  attached(): void {
    this.engineLost = false;
    this.meter.reset();
  }

  /**
   * The engine is lost: what runs there is unknown until it is back, so nothing is published
   * meanwhile, whatever the cgroup files still say (live-restore keeps containers running without
   * their daemon, and the table's last known list is no longer the engine's word).
   */
  lost(): void {
    this.engineLost = true;
    this.clear();
  }

  /** One reading of every running container; tests call it directly. */
  async tick(): Promise<ContainerUsage[]> {
    const { engine, clock, state } = this.opts;
    if (this.engineLost) return this.clear();
    const measured = await this.meter.read(this.opts.running());
    if (this.engineLost) return this.clear();
    const now = clock.now();
    this.history.record(measured.readings, new Set(measured.running.map((c) => c.id)));
    const staleCgroup = now - STALE_INTERVALS * this.opts.settings.intervalSeconds * 1000;
    const rows = this.history
      .usage(engine, now, this.opts.fixesFor)
      .filter((r) => r.usage.at >= (r.usage.via === 'cgroup' ? staleCgroup : now - STALE_STATS_MS));
    const present = new Set<string>();
    for (const { usage } of rows) {
      const key = `${engine}/${usage.name}`;
      present.add(key);
      const before = this.published.get(key);
      if (before && !movedEnough(before, usage)) continue;
      this.published.set(key, usage);
      state.set('containers.usage', key, usage);
    }
    for (const key of this.published.keys())
      if (!present.has(key)) {
        this.published.delete(key);
        state.remove('containers.usage', key);
      }
    return rows.map((r) => r.usage);
  }

  /** Removes what this watch published (the engine is lost, or the capability stops). */
  clear(): [] {
    for (const key of this.published.keys()) this.opts.state.remove('containers.usage', key);
    this.published.clear();
    return [];
  }
}
