// The containers capability: for each engine of the `containers:` section, the parts that watch it,
// wired side by side — the link to the engine, the container table, the death watch, the
// incidents with their boot-race recovery, the engine notices — each given only the narrow view
// of its siblings it needs; the container actions under the guard; the engines' `check` rows.
import { fail, msg } from '../../../shared/messages/say.js';
import type { ContainerFix } from '../../../shared/protocol/containers.js';
import { LifelineError } from '../../../shared/protocol/errors.js';
import type { Logger } from '../../log.js';
import type { AgentContext, Capability, CheckRow } from '../capability.js';
import { type HostFiles, hostFiles } from '../host-files.js';
import { BootRecovery } from './boot-recovery.js';
import type { EngineConfig } from './config.js';
import { type ContainerEngine, createContainerActions } from './container-actions.js';
import { dockerTime, isRunning } from './container-info.js';
import { ContainerTable } from './container-table.js';
import { DeathWatch } from './death-watch.js';
import { dockerMessage, type EngineApi, engineProblem, openEngineApi, timedEngineApi } from './engine-api.js';
import { checkEngine } from './engine-check.js';
import { EngineLink } from './engine-link.js';
import { EngineNotices } from './engine-notices.js';
import { ImageDriftWatch } from './image-drift.js';
import { Incidents } from './incidents.js';
import { readLogTail } from './logs.js';
import { memoryInUse, setMemoryLimit } from './memory-limit.js';
import { lookHere, lookNowhere } from './mounts.js';
import { selfContainerIds } from './self-container.js';
import { UsageWatch } from './usage-watch.js';

export interface DockerTiming {
  /** Waits between attempts to reattach to an engine that went away. */
  reconnectMs: readonly number[];
  /** How long a `die` waits for the `stop` that marks an intended stop. */
  settleMs: number;
  /** Boot-race recovery: waits before each attempt. */
  retryMs: readonly number[];
  /** Boot-race recovery: how long a start must hold. */
  stableMs: number;
}

export const DEFAULT_TIMING: DockerTiming = {
  reconnectMs: [500, 1000, 2000, 4000, 5000],
  settleMs: 1000,
  retryMs: [5000, 10_000, 20_000, 40_000, 60_000],
  stableMs: 10_000,
};

export interface DockerDeps {
  /** How to reach an engine (the real one: dockerode on the configured socket or URL). */
  openApi?: (cfg: EngineConfig) => EngineApi;
  /** The ids of the container this agent runs in, if any (default: read from /proc). */
  selfIds?: readonly string[];
  timing?: Partial<DockerTiming>;
  /** The host's /proc and /sys, where containers' cgroup files are read (default: under ctx.hostRoot). */
  files?: HostFiles;
}

export function createContainersCapability(ctx: AgentContext, deps: DockerDeps = {}): Capability {
  const open = deps.openApi ?? openEngineApi;
  const openApi = (cfg: EngineConfig) => timedEngineApi(open(cfg), ctx.metrics);
  const timing = { ...DEFAULT_TIMING, ...deps.timing };
  const selfIds = deps.selfIds ?? selfContainerIds();
  const log = ctx.log.child('docker');
  const files = deps.files ?? hostFiles(ctx.hostRoot);
  const engines = ctx.config.containers.map((cfg) =>
    watchEngine(cfg, ctx, { openApi, timing, selfIds, files, log: log.child(`docker:${cfg.id}`) }),
  );

  return {
    name: 'containers',
    actions: createContainerActions(new Map(engines.map((e) => [e.engine.id, e.engine]))),
    start() {
      for (const e of engines) e.start();
    },
    stop() {
      for (const e of engines) e.stop();
    },
    async check() {
      const rows: CheckRow[] = [];
      for (const cfg of ctx.config.containers) rows.push(...(await checkEngine(cfg, openApi)));
      return rows;
    },
  };
}

interface WatchOptions {
  openApi: (cfg: EngineConfig) => EngineApi;
  timing: DockerTiming;
  selfIds: readonly string[];
  files: HostFiles;
  log: Logger;
}

/** What Home may offer for a container eating the host; a lifeline can only be restarted (SPEC §4). */
const ALL_FIXES: ContainerFix[] = ['stop', 'restart', 'limit-memory'];
const LIFELINE_FIXES: ContainerFix[] = ['restart'];

interface WatchedEngine {
  engine: ContainerEngine;
  start(): void;
  stop(): void;
}

/** One engine's parts. The siblings built first reach those built after only from their callbacks. */
function watchEngine(cfg: EngineConfig, ctx: AgentContext, o: WatchOptions): WatchedEngine {
  const { clock, events, kv, state, hostBootAt } = ctx;
  const { log, timing } = o;
  const recovery: BootRecovery = new BootRecovery({
    events,
    clock,
    log,
    windowMs: cfg.bootRace.windowMinutes * 60_000,
    retryMs: timing.retryMs,
    stableMs: timing.stableMs,
    start: (key) => startAgain(key),
    status: (key) => {
      const t = table.findKey(key);
      return t
        ? { running: isRunning(t.inspect), startedAt: dockerTime(t.inspect.State.StartedAt) }
        : undefined;
    },
    changed: (key) => table.republish(key),
  });
  const incidents: Incidents = new Incidents({
    cfg,
    events,
    kv,
    clock,
    log,
    hostBootAt,
    recovery,
    logTail: (id) => readLogTail(link.connected, id, Boolean(table.byId(id)?.inspect.Config?.Tty), log),
    changed: (key) => table.republish(key),
  });
  const drift = new ImageDriftWatch({
    api: () => link.connected,
    changed: ({ ref, imageId }) =>
      table.republishWhere(
        (t) => (ref !== undefined && t.inspect.Config?.Image === ref) || t.inspect.Image === imageId,
      ),
    log,
  });
  const table: ContainerTable = new ContainerTable({
    cfg,
    state,
    clock,
    log,
    selfIds: o.selfIds,
    marks: incidents,
    api: () => link.connected,
    look: cfg.url ? lookNowhere : lookHere,
    drift: (inspect) => drift.of(inspect),
  });
  const usage =
    cfg.usage === false
      ? null
      : new UsageWatch({
          engine: cfg.id,
          settings: cfg.usage,
          files: o.files,
          api: () => link.connected,
          running: () =>
            table
              .all()
              .filter((t) => t.inspect.State.Running)
              .map((t) => ({ id: t.id, name: t.name })),
          fixesFor: (id) => {
            const t = table.byId(id);
            return t && table.roles(t).lifeline ? LIFELINE_FIXES : ALL_FIXES;
          },
          state,
          clock,
          log,
        });
  const deaths = new DeathWatch({ table, incidents, clock, log, hostBootAt, settleMs: timing.settleMs });
  const notices = new EngineNotices({ cfg, events });
  const link = new EngineLink({
    cfg,
    openApi: o.openApi,
    log,
    backoffMs: timing.reconnectMs,
    handlers: {
      attached(version, list) {
        notices.back(version);
        drift.reset();
        usage?.attached();
        deaths.attached(table.attached(version, list));
      },
      unreachable(reason) {
        deaths.unreachable();
        usage?.lost();
        table.unreachable(reason);
        notices.unreachable(reason, () =>
          table
            .all()
            .filter((t) => table.roles(t).lifeline)
            .map((t) => t.name),
        );
      },
      // The table first: the death watch waits for the read it starts.
      event(e) {
        if (e.type === 'image') return drift.imageEvent(e.action);
        table.event(e);
        deaths.event(e);
      },
    },
  });

  const engine: ContainerEngine = {
    id: cfg.id,
    get reachable() {
      return table.engine.reachable;
    },
    find: (name) => table.find(name),
    key: (t) => table.key(t),
    roles: (t) => table.roles(t),
    dependents: (t) => table.dependents(t),
    api() {
      const api = link.connected;
      if (!api) throw engine.unreachableError();
      return api;
    },
    unreachableError() {
      const { reason } = table.engine;
      const why =
        table.engine.reasonMsg ?? (reason ? msg('containers.engine.other', { detail: reason }) : null);
      return fail(
        'unreachable',
        why
          ? msg('containers.engine-down', { ...why.params, engine: cfg.id, reason: why.key })
          : msg('containers.engine-down', { engine: cfg.id, reason: 'containers.engine.connecting' }),
        { engine: cfg.id },
      );
    },
    describeError: (err) => engineProblem(err, cfg),
    async intended(t, dies, call) {
      const api = engine.api();
      deaths.expect(t.id, dies);
      try {
        await call(api, t.id);
      } finally {
        deaths.settled(t.id);
        await table.refresh(t.id);
      }
    },
    cancelRecovery: (t) => recovery.cancel(table.key(t)),
    memoryInUse: (t) => memoryInUse({ api: engine.api(), files: o.files }, t.id),
    async limitMemory(t, bytes, swapBytes) {
      const api = engine.api();
      try {
        return await setMemoryLimit({ api, files: o.files }, t, bytes, {
          ...(swapBytes !== undefined ? { swapBytes } : {}),
        });
      } catch (err) {
        if (err instanceof LifelineError) throw err;
        throw new LifelineError('unreachable', `Docker engine ${cfg.id}: ${engine.describeError(err)}`);
      } finally {
        await table.refresh(t.id);
        // The phones see the new limit now, not a tick later.
        void usage?.tick().catch(() => {});
      }
    },
  };

  const startAgain = async (key: string): Promise<void> => {
    const t = table.findKey(key);
    if (!t) throw fail('not-found', msg('containers.gone', { name: key, engine: cfg.id }));
    try {
      await engine.intended(t, 0, (api, id) => api.start(id));
    } catch (err) {
      if (err instanceof LifelineError) throw err;
      throw fail('failed', msg('containers.docker-said', { reason: dockerMessage(err) }));
    }
  };

  return {
    engine,
    start() {
      table.start();
      link.start();
      usage?.start();
    },
    stop() {
      usage?.stop();
      drift.stop();
      link.stop();
      deaths.stop();
      recovery.stop();
      incidents.stop();
    },
  };
}
