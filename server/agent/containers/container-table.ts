// What one Docker engine has, as the agent last read it: a row per container, kept current from the
// event stream (each event re-reads the container it names) and from the full list read at every
// attachment, and published as the `containers` and `containers.engine` entities.

import type { ContainerInspectInfo } from 'dockerode';
import { english } from '../../../shared/messages/say.js';
import type { MessageRef } from '../../../shared/protocol/message.js';
import type { EngineInfo, ImageDrift } from '../../../shared/protocol/vocabulary.js';
import type { Clock } from '../../clock.js';
import { describeError, type Logger } from '../../log.js';
import type { StateStore } from '../state.js';
import type { EngineConfig } from './config.js';
import {
  type ContainerFlags,
  containerName,
  isRunning,
  leanInspect,
  networkProvider,
  toContainerInfo,
} from './container-info.js';
import { type ContainerRoles, dependentsOf, refersTo, rolesOf } from './container-roles.js';
import { type EngineApi, type EngineVersion, endpointOf } from './engine-api.js';
import type { DockerEvent } from './engine-link.js';
import { type Look, likelyCause, lookNowhere, mountsOf } from './mounts.js';

export interface Tracked {
  id: string;
  name: string;
  inspect: ContainerInspectInfo;
}

export type ContainerMarks = Pick<ContainerFlags, 'looping' | 'bootRace' | 'recovery' | 'stoppedOnPurposeAt'>;

/** The judge's part of a row: the marks deaths left on it (incidents.ts keeps them). */
export interface RowMarks {
  /** The marks to publish with a row; `running` ends those that last only until it runs again. */
  marks(key: string, running: boolean): ContainerMarks;
  /** The container left the engine: its marks go with it. */
  gone(key: string): void;
}

export interface ContainerTableDeps {
  cfg: EngineConfig;
  state: StateStore;
  clock: Clock;
  log: Logger;
  selfIds: readonly string[];
  marks: RowMarks;
  /** The engine's API while attached; null while it is unreachable. */
  api(): EngineApi | null;
  /** What the agent can see of a path on the engine's host (mounts.ts). */
  look?: Look;
  /** Its image against what its tag points to now (absent until known). */
  drift?: (inspect: ContainerInspectInfo) => ImageDrift | undefined;
}

/** Events that change nothing the table shows. */
const IGNORED_ACTIONS = new Set(['kill', 'top', 'attach', 'detach', 'resize', 'export', 'commit', 'copy']);

export class ContainerTable {
  private readonly rows = new Map<string, Tracked>();
  private readonly byName = new Map<string, string>();
  private readonly refreshing = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private info: EngineInfo;

  constructor(private readonly deps: ContainerTableDeps) {
    const { cfg, clock } = deps;
    this.info = {
      name: cfg.name ?? cfg.id,
      endpoint: endpointOf(cfg),
      reachable: false,
      reason: 'connecting…',
      since: clock.now(),
      lastSeenAt: null,
      apiVersion: null,
      engineVersion: null,
      containers: 0,
      running: 0,
    };
  }

  get id(): string {
    return this.deps.cfg.id;
  }

  get engine(): EngineInfo {
    return this.info;
  }

  /** Publishes the engine as connecting, before the first attachment. */
  start(): void {
    this.deps.state.set('containers.engine', this.id, this.info);
  }

  key(t: Tracked): string {
    return `${this.id}/${t.name}`;
  }

  find(name: string): Tracked | undefined {
    const id = this.byName.get(name);
    return id ? this.rows.get(id) : undefined;
  }

  /** By `<engine>/<name>`. */
  findKey(key: string): Tracked | undefined {
    return this.find(key.slice(this.id.length + 1));
  }

  byId(id: string): Tracked | undefined {
    return this.rows.get(id);
  }

  all(): Tracked[] {
    return [...this.rows.values()];
  }

  roles(t: Tracked): ContainerRoles {
    return rolesOf(t, this.all(), this.deps.cfg, this.deps.selfIds);
  }

  dependents(t: Tracked): Tracked[] {
    return dependentsOf(t, this.all());
  }

  /** Keeps the row an event names current: re-read it, or drop it once destroyed. */
  event(e: DockerEvent): void {
    const id = e.containerId;
    // A start that fails leaves no `die`: only a network connect and disconnect.
    if (e.type === 'network') {
      if (e.action === 'disconnect') void this.refresh(id);
      return;
    }
    if (e.action.startsWith('exec_') || IGNORED_ACTIONS.has(e.action)) return;
    if (e.action === 'destroy') this.remove(id);
    else void this.refresh(id);
  }

  /** Re-reads one container from the engine; calls that overlap are merged into one more read. */
  refresh(id: string): Promise<void> {
    const running = this.refreshing.get(id);
    if (running) {
      this.dirty.add(id);
      return running;
    }
    const p = (async () => {
      do {
        this.dirty.delete(id);
        const api = this.deps.api();
        if (!api) return;
        try {
          const inspect = await api.inspect(id);
          if (inspect === null) this.remove(id);
          else this.track(inspect);
        } catch (err) {
          // The engine went away mid-read (the next attachment resyncs), or sent what we cannot read.
          this.deps.log.debug(`inspect ${id.slice(0, 12)}: ${describeError(err)}`);
          return;
        }
      } while (this.dirty.has(id));
    })().finally(() => this.refreshing.delete(id));
    this.refreshing.set(id, p);
    return p;
  }

  /** Resolves once the read of this container now under way (if any) is done. */
  reading(id: string): Promise<void> {
    return this.refreshing.get(id) ?? Promise.resolve();
  }

  /** Attached (again): the engine's full list replaces the table. Returns the rows it had before. */
  attached(version: EngineVersion, list: ContainerInspectInfo[]): ReadonlyMap<string, Tracked> {
    const now = this.deps.clock.now();
    const before = new Map(this.rows);
    const wasDown = !this.info.reachable;
    this.rows.clear();
    this.byName.clear();
    for (const inspect of list) this.remember(inspect);
    for (const [id, t] of before)
      if (!this.rows.has(id) && !this.byName.has(t.name)) {
        this.deps.state.remove('containers', this.key(t));
        this.deps.marks.gone(this.key(t));
      }
    this.info = {
      ...this.info,
      reachable: true,
      reason: null,
      since: wasDown ? now : this.info.since,
      lastSeenAt: now,
      apiVersion: version.apiVersion,
      engineVersion: version.engineVersion,
    };
    for (const t of this.rows.values()) this.publish(t);
    this.publishEngine();
    return before;
  }

  /** The engine went away: its last known containers stay, for the app to show meanwhile. */
  unreachable(reason: MessageRef): void {
    const { clock } = this.deps;
    const wasUp = this.info.reachable;
    this.info = {
      ...this.info,
      reachable: false,
      reason: english(reason),
      reasonMsg: reason,
      since: wasUp ? clock.now() : this.info.since,
      lastSeenAt: wasUp ? clock.now() : this.info.lastSeenAt,
    };
    this.publishEngine();
  }

  /** A row's marks changed. */
  republish(key: string): void {
    const t = this.findKey(key);
    if (t) this.publish(t);
  }

  /** Rows whose derived facts (their image's drift) changed. */
  republishWhere(match: (t: Tracked) => boolean): void {
    for (const t of this.rows.values()) if (match(t)) this.publish(t);
  }

  private remember(full: ContainerInspectInfo): Tracked {
    const inspect = leanInspect(full);
    const t: Tracked = { id: inspect.Id, name: containerName(inspect), inspect };
    this.rows.set(t.id, t);
    this.byName.set(t.name, t.id);
    return t;
  }

  private track(inspect: ContainerInspectInfo): void {
    const old = this.rows.get(inspect.Id);
    const oldProvider = old ? networkProvider(old.inspect) : null;
    const t = this.remember(inspect);
    if (old && old.name !== t.name) {
      if (this.byName.get(old.name) === old.id) this.byName.delete(old.name);
      this.deps.state.remove('containers', `${this.id}/${old.name}`);
    }
    this.publish(t);
    // Its network provider's lifeline status may depend on it.
    for (const p of [oldProvider, networkProvider(inspect)]) {
      const provider = p ? this.all().find((o) => refersTo(p, o)) : undefined;
      if (provider) this.publish(provider);
    }
    this.publishEngine();
  }

  private remove(id: string): void {
    const t = this.rows.get(id);
    if (!t) return;
    this.rows.delete(id);
    if (this.byName.get(t.name) === id) {
      this.byName.delete(t.name);
      this.deps.state.remove('containers', this.key(t));
      this.deps.marks.gone(this.key(t));
    }
    this.publishEngine();
  }

  private publish(t: Tracked): void {
    const key = this.key(t);
    const drift = this.deps.drift?.(t.inspect);
    const flags: ContainerFlags = {
      ...this.roles(t),
      ...this.deps.marks.marks(key, isRunning(t.inspect)),
      ...(drift ? { drift } : {}),
    };
    const info = toContainerInfo(this.id, t.inspect, flags);
    const mounts = mountsOf(t.inspect, this.deps.look ?? lookNowhere);
    const list = (x: unknown): string[] =>
      Array.isArray(x) ? x.map(String) : typeof x === 'string' ? [x] : [];
    const cmd = [...list(t.inspect.Config?.Entrypoint), ...list(t.inspect.Config?.Cmd)];
    const cause = info.state === 'running' ? null : likelyCause(info.exitCode, info.error, cmd, mounts);
    this.deps.state.set('containers', key, { ...info, mounts, ...(cause ? { cause } : {}) });
  }

  private publishEngine(): void {
    let running = 0;
    for (const t of this.rows.values()) if (t.inspect.State.Running) running++;
    // Only real changes reach the phones: counts, reachability, versions (not a heartbeat).
    this.info = { ...this.info, containers: this.rows.size, running };
    this.deps.state.set('containers.engine', this.id, this.info);
  }
}
