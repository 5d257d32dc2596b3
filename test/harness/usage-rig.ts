// The containers capability's usage watch on its own, as the host capability sees it: containers
// measured from the cgroup files under a (fake or real) host root, published as `containers.usage`
// entities in a state store, and that list handed to the host sampler.
import type { EngineApi } from '../../server/agent/containers/engine-api.js';
import type { RunningContainer } from '../../server/agent/containers/usage-meter.js';
import { UsageWatch } from '../../server/agent/containers/usage-watch.js';
import type { HostFiles } from '../../server/agent/host-files.js';
import { StateStore } from '../../server/agent/state.js';
import type { Clock } from '../../server/clock.js';
import { silentLogger } from '../../server/log.js';
import type { ContainerUsage } from '../../shared/protocol/containers.js';

export interface UsageRig {
  state: StateStore;
  watch: UsageWatch;
  /** One reading of every running container, published. */
  tick(): Promise<ContainerUsage[]>;
  /** What the host capability reads: the published `containers.usage` entities. */
  published(): ContainerUsage[];
}

export function usageRig(opts: {
  files: HostFiles;
  clock: Clock;
  running: () => RunningContainer[];
  api?: () => EngineApi | null;
  engine?: string;
  intervalSeconds?: number;
  windowMinutes?: number;
}): UsageRig {
  const state = new StateStore(opts.clock);
  const watch = new UsageWatch({
    engine: opts.engine ?? 'local',
    settings: {
      intervalSeconds: opts.intervalSeconds ?? 10,
      windowMinutes: opts.windowMinutes ?? 10,
      max: 200,
      statsPerTick: 4,
    },
    files: opts.files,
    api: opts.api ?? (() => null),
    running: opts.running,
    fixesFor: () => ['stop', 'restart', 'limit-memory'],
    state,
    clock: opts.clock,
    log: silentLogger,
  });
  return {
    state,
    watch,
    tick: () => watch.tick(),
    published: () => state.list('containers.usage').map((e) => e.data),
  };
}
