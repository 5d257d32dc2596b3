// Tells a container's death from a stop someone meant: a `die` waits a moment for the `stop` that
// marks a docker stop, compose down or restart; the stops our own actions cause are expected; a
// start that fails (no `die`, only a network disconnect) is a death too; and what died while the
// agent was not looking is found by comparing the engine's list with what the table had.
import type { Clock } from '../../clock.js';
import { describeError, type Logger } from '../../log.js';
import { dockerTime, isRunning, restartPolicy } from './container-info.js';
import type { ContainerRoles } from './container-roles.js';
import type { Tracked } from './container-table.js';
import type { DockerEvent } from './engine-link.js';
import type { DeadContainer, Death } from './incidents.js';

/** What the watch reads of the container table. */
export interface WatchedTable {
  byId(id: string): Tracked | undefined;
  all(): Tracked[];
  key(t: Tracked): string;
  roles(t: Tracked): Pick<ContainerRoles, 'watched' | 'lifeline'>;
  /** Resolves once the read of this container now under way (if any) is done. */
  reading(id: string): Promise<void>;
}

/** Where deaths go (incidents.ts). */
export interface DeathSink {
  died(c: DeadContainer, d: Death): Promise<void>;
  /** Whether a moment is inside the host's boot window. */
  atBoot(at: number): boolean;
  /** A stop someone meant left it stopped. */
  stopped(key: string, at: number): void;
  /** It started again. */
  started(key: string): void;
}

export interface DeathWatchDeps {
  table: WatchedTable;
  incidents: DeathSink;
  clock: Clock;
  log: Logger;
  hostBootAt: number;
  /** How long a `die` waits for the `stop` that marks an intended stop. */
  settleMs: number;
}

/** Our own actions mark the stops they cause as intended for this long after they return. */
const EXPECT_AFTER_MS = 5000;
/** A failed start is told by its network disconnect, unless a `die` came this shortly before. */
const DIE_COVERS_MS = 5000;

/** A `die` waiting for the `stop` that would make it intended; the timer runs once the re-read is back. */
interface Settling {
  timer: NodeJS.Timeout | null;
}

export class DeathWatch {
  private readonly settling = new Map<string, Settling>();
  private readonly expected = new Map<string, { dies: number; until: number }>();
  private readonly lastDie = new Map<string, number>();
  private attachedOnce = false;

  constructor(private readonly deps: DeathWatchDeps) {}

  stop(): void {
    this.unreachable();
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

  /** Called after the table has seen the event (its re-read of the container is under way). */
  event(e: DockerEvent): void {
    const id = e.containerId;
    if (e.type === 'network') {
      if (e.action === 'disconnect')
        void this.deps.table
          .reading(id)
          .then(() => this.checkFailedStart(id))
          .catch((err) =>
            this.deps.log.error(`after a disconnect of ${id.slice(0, 12)}: ${describeError(err)}`),
          );
      return;
    }
    switch (e.action) {
      case 'destroy':
        this.forget(id);
        return;
      case 'die':
        this.die(id, e);
        return;
      case 'stop':
        // Someone asked for this stop (docker stop, compose down, a restart): not a crash.
        this.unsettle(id);
        this.stoppedOnPurpose(id);
        return;
      case 'start': {
        const t = this.deps.table.byId(id);
        if (t) this.deps.incidents.started(this.deps.table.key(t));
        return;
      }
    }
  }

  /** The engine went away: containers stopped by an engine shutting down are not deaths one by one. */
  unreachable(): void {
    for (const s of this.settling.values()) if (s.timer) clearTimeout(s.timer);
    this.settling.clear();
  }

  /** Attached (again): what died while we were not looking (on the first attachment, since the host booted). */
  attached(before: ReadonlyMap<string, Tracked>): void {
    const now = this.deps.clock.now();
    const firstSync = !this.attachedOnce;
    this.attachedOnce = true;
    for (const t of this.deps.table.all()) {
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
          Boolean(s.Error) && restartPolicy(t.inspect) !== 'no' && this.deps.incidents.atBoot(now);
        died = sinceBoot || failedAtBoot;
      }
      if (died) this.died(t, deathOf(t, s.Error ? now : (finished ?? now)));
    }
  }

  private die(id: string, e: DockerEvent): void {
    this.lastDie.set(id, this.deps.clock.now());
    if (this.consumeExpectedDie(id)) {
      this.stoppedOnPurpose(id);
      return;
    }
    const exitCode = Number(e.attributes.exitCode);
    const at = e.at;
    this.unsettle(id);
    const settling: Settling = { timer: null };
    this.settling.set(id, settling);
    const report = () => {
      this.settling.delete(id);
      const t = this.deps.table.byId(id);
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
    };
    // dockerd logs the `stop` once it has finished with the exit (unmounts, network teardown), and
    // answers the inspect the `die` set off only then too: a slow engine delays both alike.
    const wait = () => {
      if (this.settling.get(id) === settling) settling.timer = setTimeout(report, this.deps.settleMs);
    };
    void this.deps.table.reading(id).then(wait, wait);
  }

  /** A restart's stop is marked too: its `start` clears the mark. */
  private stoppedOnPurpose(id: string): void {
    const t = this.deps.table.byId(id);
    if (t) this.deps.incidents.stopped(this.deps.table.key(t), this.deps.clock.now());
  }

  private unsettle(id: string): void {
    const s = this.settling.get(id);
    if (s?.timer) clearTimeout(s.timer);
    this.settling.delete(id);
  }

  private checkFailedStart(id: string): void {
    const t = this.deps.table.byId(id);
    if (!t || isRunning(t.inspect) || !t.inspect.State.Error || this.isExpected(id)) return;
    const lastDie = this.lastDie.get(id);
    if (lastDie !== undefined && this.deps.clock.now() - lastDie < DIE_COVERS_MS) return;
    this.died(t, deathOf(t, this.deps.clock.now()));
  }

  private died(t: Tracked, d: Death): void {
    const { table, incidents, log } = this.deps;
    const { watched, lifeline } = table.roles(t);
    const key = table.key(t);
    incidents
      .died(
        {
          key,
          name: t.name,
          id: t.id,
          watched,
          lifeline,
          image: t.inspect.Config?.Image ?? '',
          restartCount: t.inspect.RestartCount ?? 0,
        },
        d,
      )
      .catch((err) => log.error(`reporting the death of ${key}: ${describeError(err)}`));
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

  private forget(id: string): void {
    this.lastDie.delete(id);
    this.expected.delete(id);
    this.unsettle(id);
  }
}

function deathOf(t: Tracked, at: number): Death {
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
