// One Docker engine as the agent sees it: the container table kept current from the event stream,
// published as `engine` and `container` entities, and deaths told apart from intended stops
// (a `docker stop`, an engine shutting down, or our own actions) before anyone is notified.
import type { ContainerInspectInfo } from 'dockerode';
import { LifelineError } from '../../../shared/protocol/errors.js';
import type { ContainerInfo, EngineInfo } from '../../../shared/protocol/vocabulary.js';
import type { Clock } from '../../clock.js';
import type { EngineConfig } from '../../config/schema.js';
import { describeError, type Logger } from '../../log.js';
import type { KvRepo } from '../../store/kv-repo.js';
import type { EventLog } from '../event-log.js';
import type { StateStore } from '../state.js';
import { BootRecovery } from './boot-recovery.js';
import {
  type ContainerFlags,
  containerName,
  dockerTime,
  isRunning,
  networkProvider,
  restartPolicy,
  toContainerInfo,
} from './container-info.js';
import { dockerMessage, type EngineApi, type EngineVersion, endpointOf } from './engine-api.js';
import { type DockerEvent, EngineLink } from './engine-link.js';
import { type Death, Incidents } from './incidents.js';
import { parseLogLines } from './logs.js';

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

export interface MonitorDeps {
  cfg: EngineConfig;
  state: StateStore;
  events: EventLog;
  kv: KvRepo;
  clock: Clock;
  log: Logger;
  hostBootAt: number;
  selfIds: readonly string[];
  timing: DockerTiming;
  openApi: (cfg: EngineConfig) => EngineApi;
}

export interface Tracked {
  id: string;
  name: string;
  inspect: ContainerInspectInfo;
}

/** Actions on a container mark its coming stop as intended for this long after they return. */
const EXPECT_AFTER_MS = 5000;
const LOG_TAIL_LINES = 20;
const IGNORED_ACTIONS = new Set(['kill', 'top', 'attach', 'detach', 'resize', 'export', 'commit', 'copy']);

export class EngineMonitor {
  readonly recovery: BootRecovery;
  readonly incidents: Incidents;
  private readonly link: EngineLink;
  private readonly tracked = new Map<string, Tracked>();
  private readonly byName = new Map<string, string>();
  private readonly refreshing = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private readonly settling = new Map<string, NodeJS.Timeout>();
  private readonly expected = new Map<string, { dies: number; until: number }>();
  private readonly lastDie = new Map<string, number>();
  private engine: EngineInfo;
  private attachedOnce = false;
  private downAnnounced = false;

  constructor(private readonly deps: MonitorDeps) {
    const { cfg, clock } = deps;
    this.engine = {
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
    this.recovery = new BootRecovery({
      events: deps.events,
      clock,
      log: deps.log,
      windowMs: cfg.bootRace.windowMinutes * 60_000,
      retryMs: deps.timing.retryMs,
      stableMs: deps.timing.stableMs,
      start: (key) => this.startForRecovery(key),
      status: (key) => {
        const t = this.find(key.slice(cfg.id.length + 1));
        return t
          ? { running: isRunning(t.inspect), startedAt: dockerTime(t.inspect.State.StartedAt) }
          : undefined;
      },
      changed: (key) => this.republish(key),
    });
    this.incidents = new Incidents({
      cfg,
      events: deps.events,
      kv: deps.kv,
      clock,
      log: deps.log,
      hostBootAt: deps.hostBootAt,
      recovery: this.recovery,
      logTail: (id) => this.logTail(id),
      changed: (key) => this.republish(key),
    });
    this.link = new EngineLink({
      cfg,
      openApi: deps.openApi,
      log: deps.log,
      backoffMs: deps.timing.reconnectMs,
      handlers: {
        attached: (version, list) => this.attached(version, list),
        unreachable: (reason) => this.unreachable(reason),
        event: (e) => this.event(e),
      },
    });
  }

  get id(): string {
    return this.deps.cfg.id;
  }

  get cfg(): EngineConfig {
    return this.deps.cfg;
  }

  get status(): EngineInfo {
    return this.engine;
  }

  start(): void {
    this.deps.state.set('containers.engine', this.id, this.engine);
    this.link.start();
  }

  stop(): void {
    this.link.stop();
    for (const t of this.settling.values()) clearTimeout(t);
    this.settling.clear();
    this.recovery.stop();
    this.incidents.stop();
  }

  /** The engine's API, or a clear refusal while it is unreachable. */
  api(): EngineApi {
    const api = this.link.connected;
    if (!api)
      throw new LifelineError(
        'unreachable',
        `Docker engine ${this.id} is unreachable${this.engine.reason ? `: ${this.engine.reason}` : ''}`,
        { engine: this.id },
      );
    return api;
  }

  find(name: string): Tracked | undefined {
    const id = this.byName.get(name);
    return id ? this.tracked.get(id) : undefined;
  }

  key(t: Tracked): string {
    return `${this.id}/${t.name}`;
  }

  all(): Tracked[] {
    return [...this.tracked.values()];
  }

  /**
   * Our own action is about to act on it: the `dies` stops it causes are not deaths to report, and
   * neither is a failed start (the action's caller hears of that). A crash after that is news again.
   */
  expect(id: string, dies: number): void {
    this.expected.set(id, { dies, until: this.deps.clock.now() + 10 * 60_000 });
  }

  /** The action returned; its own events may still be on their way for a few seconds. */
  settled(id: string): void {
    const e = this.expected.get(id);
    if (e) e.until = this.deps.clock.now() + EXPECT_AFTER_MS;
  }

  /** Containers that run in this one's network namespace (they lose their network when it stops). */
  dependents(t: Tracked): Tracked[] {
    return this.all().filter((o) => o !== t && refersTo(networkProvider(o.inspect), t));
  }

  flags(t: Tracked): ContainerFlags {
    const { cfg, selfIds } = this.deps;
    const key = this.key(t);
    const self = selfIds.includes(t.id);
    const listed = matches(cfg.lifeline, t);
    const via = this.dependents(t).find((d) => matches(cfg.lifeline, d) || selfIds.includes(d.id));
    const lifeline = self || listed || via !== undefined;
    const provider = networkProvider(t.inspect);
    const providerT = provider ? this.all().find((o) => refersTo(provider, o)) : undefined;
    return {
      watched: lifeline || matches(cfg.watch, t),
      lifeline,
      lifelineWhy: self
        ? 'it runs this Lifeline agent'
        : listed
          ? 'it is listed as a lifeline in the config'
          : via
            ? `${via.name} (a lifeline) uses its network`
            : null,
      self,
      networkOf: providerT?.name ?? (provider ? provider.slice(0, 12) : null),
      looping: this.incidents.isLooping(key),
      bootRace: !isRunning(t.inspect) && this.incidents.isBootRace(key),
      recovery: this.recovery.info(key),
    };
  }

  info(t: Tracked): ContainerInfo {
    return toContainerInfo(this.id, t.inspect, this.flags(t));
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
        const api = this.link.connected;
        if (!api) return;
        try {
          const inspect = await api.inspect(id);
          if (inspect === null) this.untrack(id);
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

  private attached(version: EngineVersion, list: ContainerInspectInfo[]): void {
    const { clock, events, cfg } = this.deps;
    const now = clock.now();
    const before = new Map(this.tracked);
    const firstSync = !this.attachedOnce;
    const wasDown = !this.engine.reachable;
    this.tracked.clear();
    this.byName.clear();
    for (const inspect of list) this.remember(inspect);
    for (const [id, t] of before)
      if (!this.tracked.has(id) && !this.byName.has(t.name)) {
        this.deps.state.remove('containers', this.key(t));
        this.recovery.cancel(this.key(t));
        this.incidents.forget(this.key(t));
      }
    this.engine = {
      ...this.engine,
      reachable: true,
      reason: null,
      since: wasDown ? now : this.engine.since,
      lastSeenAt: now,
      apiVersion: version.apiVersion,
      engineVersion: version.engineVersion,
    };
    if (wasDown && this.downAnnounced)
      events.append({
        kind: 'containers.engine-back',
        severity: 'info',
        subject: cfg.id,
        message: `Docker engine ${cfg.id} is reachable again (Docker ${version.engineVersion}, API ${version.apiVersion}).`,
        data: { engine: cfg.id, apiVersion: version.apiVersion, engineVersion: version.engineVersion },
      });
    this.attachedOnce = true;
    this.downAnnounced = false;
    for (const t of this.tracked.values()) this.publish(t);
    this.publishEngine();

    // What died while we were not looking (or, on the first attachment, since the host booted).
    for (const t of this.tracked.values()) {
      if (isRunning(t.inspect)) continue;
      const prev = before.get(t.id);
      const s = t.inspect.State;
      const finished = dockerTime(s.FinishedAt);
      const abnormal = s.ExitCode !== 0 || Boolean(s.Error);
      let died = false;
      if (prev)
        died =
          isRunning(prev.inspect) ||
          prev.inspect.State.FinishedAt !== s.FinishedAt ||
          prev.inspect.State.Error !== s.Error;
      else if (!firstSync) died = abnormal;
      else if (abnormal) {
        const sinceBoot = finished !== null && finished >= this.deps.hostBootAt;
        // A start that failed at boot keeps the FinishedAt of the last run, from before the boot.
        const failedAtBoot =
          Boolean(s.Error) && restartPolicy(t.inspect) !== 'no' && this.incidents.atBoot(now);
        died = sinceBoot || failedAtBoot;
      }
      if (died) this.died(t, this.deathOf(t, s.Error ? now : (finished ?? now)));
    }
  }

  private unreachable(reason: string): void {
    const { clock, events, cfg } = this.deps;
    const wasUp = this.engine.reachable;
    // Containers stopped by an engine shutting down are not deaths to report one by one.
    for (const t of this.settling.values()) clearTimeout(t);
    this.settling.clear();
    this.engine = {
      ...this.engine,
      reachable: false,
      reason,
      since: wasUp ? clock.now() : this.engine.since,
      lastSeenAt: wasUp ? clock.now() : this.engine.lastSeenAt,
    };
    this.publishEngine();
    if (this.downAnnounced) return;
    this.downAnnounced = true;
    const lifelines = this.all()
      .filter((t) => this.flags(t).lifeline)
      .map((t) => t.name);
    events.append({
      kind: 'containers.engine-unreachable',
      severity: lifelines.length > 0 ? 'critical' : 'warning',
      subject: cfg.id,
      message: `Docker engine ${cfg.id} is unreachable: ${reason}. Lifeline keeps trying to reattach.`,
      data: { engine: cfg.id, reason, endpoint: this.engine.endpoint, lifelines },
    });
  }

  private event(e: DockerEvent): void {
    const id = e.containerId;
    if (e.type === 'network') {
      // A start that fails leaves no `die`: only a network connect and disconnect.
      if (e.action === 'disconnect')
        void this.refresh(id)
          .then(() => this.checkFailedStart(id))
          .catch((err) =>
            this.deps.log.error(`after a disconnect of ${id.slice(0, 12)}: ${describeError(err)}`),
          );
      return;
    }
    if (e.action.startsWith('exec_') || IGNORED_ACTIONS.has(e.action)) return;
    switch (e.action) {
      case 'destroy':
        this.untrack(id);
        return;
      case 'die': {
        this.lastDie.set(id, this.deps.clock.now());
        void this.refresh(id);
        if (this.consumeExpectedDie(id)) return;
        const exitCode = Number(e.attributes.exitCode);
        const at = e.at;
        const old = this.settling.get(id);
        if (old) clearTimeout(old);
        this.settling.set(
          id,
          setTimeout(() => {
            this.settling.delete(id);
            const t = this.tracked.get(id);
            if (!t) return;
            const s = t.inspect.State;
            this.died(t, {
              at,
              exitCode: Number.isFinite(exitCode) ? exitCode : s.ExitCode,
              error: s.Error || null,
              oomKilled: s.OOMKilled,
              startFailed: false,
              signature: `${t.id}@die:${at}`,
            });
          }, this.deps.timing.settleMs),
        );
        return;
      }
      case 'stop': {
        // Someone asked for this stop (docker stop, compose down, a restart): not a crash.
        const pending = this.settling.get(id);
        if (pending) clearTimeout(pending);
        this.settling.delete(id);
        void this.refresh(id);
        return;
      }
      default:
        void this.refresh(id);
    }
  }

  private checkFailedStart(id: string): void {
    const t = this.tracked.get(id);
    if (!t || isRunning(t.inspect) || !t.inspect.State.Error || this.isExpected(id)) return;
    const lastDie = this.lastDie.get(id);
    if (lastDie !== undefined && this.deps.clock.now() - lastDie < 5000) return;
    this.died(t, this.deathOf(t, this.deps.clock.now()));
  }

  private deathOf(t: Tracked, at: number): Death {
    const s = t.inspect.State;
    return {
      at,
      exitCode: s.ExitCode,
      error: s.Error || null,
      oomKilled: s.OOMKilled,
      startFailed: Boolean(s.Error),
      signature: `${t.id}@${s.FinishedAt}${s.Error ? `!${s.Error}` : ''}`,
    };
  }

  private died(t: Tracked, d: Death): void {
    const f = this.flags(t);
    const key = this.key(t);
    this.incidents
      .died(
        {
          key,
          name: t.name,
          id: t.id,
          watched: f.watched,
          lifeline: f.lifeline,
          image: t.inspect.Config?.Image ?? '',
          restartCount: t.inspect.RestartCount ?? 0,
        },
        d,
      )
      .catch((err) => this.deps.log.error(`reporting the death of ${key}: ${describeError(err)}`));
  }

  private isExpected(id: string): boolean {
    const e = this.expected.get(id);
    if (!e) return false;
    if (e.until >= this.deps.clock.now()) return true;
    this.expected.delete(id);
    return false;
  }

  private consumeExpectedDie(id: string): boolean {
    const e = this.expected.get(id);
    if (!this.isExpected(id) || !e || e.dies <= 0) return false;
    e.dies--;
    return true;
  }

  private remember(inspect: ContainerInspectInfo): Tracked {
    const t: Tracked = { id: inspect.Id, name: containerName(inspect), inspect };
    this.tracked.set(t.id, t);
    this.byName.set(t.name, t.id);
    return t;
  }

  private track(inspect: ContainerInspectInfo): void {
    const old = this.tracked.get(inspect.Id);
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

  private untrack(id: string): void {
    this.lastDie.delete(id);
    this.expected.delete(id);
    const t = this.tracked.get(id);
    if (!t) return;
    this.tracked.delete(id);
    const timer = this.settling.get(id);
    if (timer) clearTimeout(timer);
    this.settling.delete(id);
    if (this.byName.get(t.name) === id) {
      this.byName.delete(t.name);
      this.deps.state.remove('containers', this.key(t));
      this.recovery.cancel(this.key(t));
      this.incidents.forget(this.key(t));
    }
    this.publishEngine();
  }

  private republish(key: string): void {
    const t = this.find(key.slice(this.id.length + 1));
    if (t) this.publish(t);
  }

  private publish(t: Tracked): void {
    const key = this.key(t);
    if (isRunning(t.inspect)) {
      this.recovery.seenRunning(key);
      this.incidents.running(key);
    }
    this.deps.state.set('containers', key, this.info(t));
  }

  private publishEngine(): void {
    let running = 0;
    for (const t of this.tracked.values()) if (t.inspect.State.Running) running++;
    // Only real changes reach the phones: counts, reachability, versions (not a heartbeat).
    this.engine = { ...this.engine, containers: this.tracked.size, running };
    this.deps.state.set('containers.engine', this.id, this.engine);
  }

  private async startForRecovery(key: string): Promise<void> {
    const t = this.find(key.slice(this.id.length + 1));
    if (!t) throw new LifelineError('not-found', `${key} no longer exists`);
    const api = this.api();
    this.expect(t.id, 0);
    try {
      await api.start(t.id);
    } catch (err) {
      throw new LifelineError('failed', dockerMessage(err));
    } finally {
      this.settled(t.id);
      await this.refresh(t.id);
    }
  }

  private async logTail(id: string): Promise<string[]> {
    try {
      const api = this.link.connected;
      if (!api) return [];
      const t = this.tracked.get(id);
      const buf = await api.logs(id, { tail: LOG_TAIL_LINES, timestamps: false });
      return parseLogLines(buf, { tty: Boolean(t?.inspect.Config?.Tty), timestamps: false })
        .slice(-LOG_TAIL_LINES)
        .map((l) => (l.text.length > 300 ? `${l.text.slice(0, 299)}…` : l.text));
    } catch (err) {
      this.deps.log.debug(`log tail of ${id.slice(0, 12)}: ${describeError(err)}`);
      return [];
    }
  }
}

/** `watch` / `lifeline` entries name a container, or a compose service as `project/service`. */
export function matches(list: readonly string[], t: Tracked): boolean {
  if (list.includes(t.name)) return true;
  const labels = t.inspect.Config?.Labels ?? {};
  const project = labels['com.docker.compose.project'];
  const service = labels['com.docker.compose.service'];
  return project !== undefined && service !== undefined && list.includes(`${project}/${service}`);
}

/** Whether a `container:<x>` network reference points at this container (by id, id prefix or name). */
function refersTo(ref: string | null, t: Tracked): boolean {
  if (!ref) return false;
  return (
    ref === t.name || ref === t.id || (ref.length >= 12 && /^[0-9a-f]+$/.test(ref) && t.id.startsWith(ref))
  );
}
