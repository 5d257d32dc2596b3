// The containers capability: one EngineMonitor per `docker[]` engine of the config, the container
// actions under the guard, and the engines' rows for `lifeline check`.
import type { EngineConfig } from '../../config/schema.js';
import type { AgentContext, Capability, CheckRow } from '../capability.js';
import { createContainerActions } from './container-actions.js';
import {
  describeEngineError,
  type EngineApi,
  endpointOf,
  openEngineApi,
  timedEngineApi,
} from './engine-api.js';
import { DEFAULT_TIMING, type DockerTiming, EngineMonitor } from './engine-monitor.js';
import { selfContainerIds } from './self-container.js';

export interface DockerDeps {
  /** How to reach an engine (the real one: dockerode on the configured socket or URL). */
  openApi?: (cfg: EngineConfig) => EngineApi;
  /** The ids of the container this agent runs in, if any (default: read from /proc). */
  selfIds?: readonly string[];
  timing?: Partial<DockerTiming>;
}

export function createContainersCapability(ctx: AgentContext, deps: DockerDeps = {}): Capability {
  const open = deps.openApi ?? openEngineApi;
  const openApi = (cfg: EngineConfig) => timedEngineApi(open(cfg), ctx.metrics);
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  const selfIds = deps.selfIds ?? selfContainerIds();
  const log = ctx.log.child('docker');
  const monitors = new Map<string, EngineMonitor>();
  for (const cfg of ctx.config.containers)
    monitors.set(
      cfg.id,
      new EngineMonitor({
        cfg,
        state: ctx.state,
        events: ctx.events,
        kv: ctx.kv,
        clock: ctx.clock,
        log: log.child(`docker:${cfg.id}`),
        hostBootAt: ctx.hostBootAt,
        selfIds,
        timing,
        openApi,
      }),
    );

  return {
    name: 'containers',
    actions: createContainerActions(monitors),
    start() {
      for (const m of monitors.values()) m.start();
    },
    stop() {
      for (const m of monitors.values()) m.stop();
    },
    async check() {
      const rows: CheckRow[] = [];
      for (const cfg of ctx.config.containers) rows.push(...(await checkEngine(cfg, openApi)));
      return rows;
    },
  };
}

/** Probes one engine directly (the agent need not be running): reachability, versions, and names that match nothing. */
async function checkEngine(
  cfg: EngineConfig,
  openApi: (cfg: EngineConfig) => EngineApi,
): Promise<CheckRow[]> {
  const name = `docker ${cfg.id}`;
  let api: EngineApi | undefined;
  try {
    api = openApi(cfg);
    const version = await api.version();
    const list = await api.list();
    const running = list.filter((c) => c.running).length;
    const rows: CheckRow[] = [
      {
        name,
        status: 'ok',
        detail: `reachable at ${endpointOf(cfg)}: Docker ${version.engineVersion}, API ${version.apiVersion}, ${list.length} containers (${running} running)`,
      },
    ];
    for (const key of ['watch', 'lifeline'] as const)
      for (const wanted of cfg[key]) {
        const found = list.some(
          (c) =>
            c.name === wanted ||
            `${c.labels['com.docker.compose.project']}/${c.labels['com.docker.compose.service']}` === wanted,
        );
        if (!found)
          rows.push({
            name,
            status: 'warn',
            detail: `${key}: "${wanted}" matches no container on ${cfg.id}`,
          });
      }
    return rows;
  } catch (err) {
    return [
      { name, status: 'fail', detail: `unreachable at ${endpointOf(cfg)}: ${describeEngineError(err, cfg)}` },
    ];
  } finally {
    api?.close();
  }
}
