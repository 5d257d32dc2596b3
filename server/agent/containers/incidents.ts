// What a container's death means and who hears of it: a died event for a watched container (exit
// code, Docker's error, the last log lines), one notice when it loops instead of one per death, a
// boot-race notice when it died in the first minutes after the host booted — and the opt-in
// boot-race recovery. A death already announced (also before an agent restart) is not repeated.
// The marks deaths leave (looping, boot race, the recovery's progress) go on the container's row.
import { msg } from '../../../shared/messages/say.js';
import type { MessageRef } from '../../../shared/protocol/message.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import type { KvRepo } from '../../store/kv-repo.js';
import type { EventLog } from '../event-log.js';
import type { BootRecovery } from './boot-recovery.js';
import type { EngineConfig } from './config.js';
import { exitHint } from './container-info.js';
import type { ContainerMarks, RowMarks } from './container-table.js';

export interface Death {
  /** When it died (for a start that failed, when that was noticed). */
  at: number;
  exitCode: number | null;
  error: string | null;
  oomKilled: boolean;
  /** Docker could not start it at all (State.Error), as opposed to a process that ran and ended. */
  startFailed: boolean;
  /** Identifies this death, so that it is announced once. */
  signature: string;
}

export interface DeadContainer {
  key: string;
  name: string;
  id: string;
  watched: boolean;
  lifeline: boolean;
  image: string;
  restartCount: number;
}

export interface IncidentDeps {
  cfg: EngineConfig;
  events: EventLog;
  kv: KvRepo;
  clock: Clock;
  log: Logger;
  hostBootAt: number;
  recovery: BootRecovery;
  /** The last lines of its logs; never throws (an empty list when they cannot be read). */
  logTail(id: string): Promise<string[]>;
  /** A container's looping / boot-race marks changed (its row is published again). */
  changed(key: string): void;
}

/** Exit codes of a command that could not be found or run: what a mount that is not ready yet gives. */
export const BOOT_RACE_EXIT_CODES: readonly number[] = [126, 127, 128];
const KV_PREFIX = 'containers.death.';

export class Incidents implements RowMarks {
  private readonly deaths = new Map<string, number[]>();
  private readonly looping = new Set<string>();
  private readonly bootRaces = new Set<string>();
  /** Stopped by someone who meant it, and when: shown as such, not as a problem, until it runs or dies. */
  private readonly stoppedOnPurpose = new Map<string, number>();
  private readonly loopTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly deps: IncidentDeps) {}

  /**
   * The marks on a container's row. Running again ends its boot-race mark (it belongs to its last
   * death only) and the note of a recovery that gave up.
   */
  marks(key: string, running: boolean): ContainerMarks {
    if (running) {
      this.deps.recovery.seenRunning(key);
      this.bootRaces.delete(key);
    }
    return {
      looping: this.looping.has(key),
      bootRace: this.bootRaces.has(key),
      recovery: this.deps.recovery.info(key),
      stoppedOnPurposeAt: this.stoppedOnPurpose.get(key) ?? null,
    };
  }

  /** A stop someone meant (our action, docker stop, compose down) left it stopped. */
  stopped(key: string, at: number): void {
    if (this.stoppedOnPurpose.has(key)) return;
    this.stoppedOnPurpose.set(key, at);
    this.deps.changed(key);
  }

  /**
   * It started again: a stop meant before no longer describes it. Told by the engine's `start`
   * event, not by a row that reads running: the row published with the `die` may be the read from
   * before the stop.
   */
  started(key: string): void {
    if (this.stoppedOnPurpose.delete(key)) this.deps.changed(key);
  }

  /** It left the engine: its deaths, marks and any recovery go with it. */
  gone(key: string): void {
    this.deps.recovery.cancel(key);
    this.deaths.delete(key);
    this.looping.delete(key);
    this.bootRaces.delete(key);
    this.stoppedOnPurpose.delete(key);
    const t = this.loopTimers.get(key);
    if (t) clearTimeout(t);
    this.loopTimers.delete(key);
  }

  stop(): void {
    for (const t of this.loopTimers.values()) clearTimeout(t);
    this.loopTimers.clear();
  }

  /** Whether this death is inside the boot window of the host. */
  atBoot(at: number): boolean {
    const since = at - this.deps.hostBootAt;
    return since >= 0 && since <= this.deps.cfg.bootRace.minutes * 60_000;
  }

  async died(c: DeadContainer, d: Death): Promise<void> {
    const { kv, cfg, recovery } = this.deps;
    if (kv.get<string>(KV_PREFIX + c.key) === d.signature) return;
    kv.set(KV_PREFIX + c.key, d.signature);
    this.stoppedOnPurpose.delete(c.key);

    const wasLooping = this.looping.has(c.key);
    const wasBootRace = this.bootRaces.has(c.key);
    const loopingNow = this.countDeath(c.key, d.at);
    const bootRace = this.atBoot(d.at);
    if (bootRace) this.bootRaces.add(c.key);
    if (loopingNow !== wasLooping || (bootRace && !wasBootRace)) this.deps.changed(c.key);

    // While recovery is trying, its attempts are the news; a second notice per attempt would be noise.
    if (recovery.active(c.key)) {
      recovery.died(c.key);
      return;
    }
    if (!c.watched) return;
    if (loopingNow) {
      if (!wasLooping) this.announceLoop(c, d);
      return;
    }
    const logTail = await this.deps.logTail(c.id);
    const recover =
      bootRace && cfg.bootRace.recover && (d.startFailed || BOOT_RACE_EXIT_CODES.includes(d.exitCode ?? -1));
    const data = {
      engine: cfg.id,
      container: c.key,
      name: c.name,
      containerId: c.id.slice(0, 12),
      image: c.image,
      exitCode: d.exitCode,
      error: d.error,
      oomKilled: d.oomKilled,
      startFailed: d.startFailed,
      restartCount: c.restartCount,
      logTail,
      bootRace,
      lifeline: c.lifeline,
      ...(bootRace ? { secondsAfterBoot: Math.round((d.at - this.deps.hostBootAt) / 1000) } : {}),
      ...(recover ? { recovery: { windowMinutes: cfg.bootRace.windowMinutes } } : {}),
    };
    const how = deathRef(d);
    const where = { name: c.name, engine: cfg.id };
    if (bootRace) {
      const after = d.at - this.deps.hostBootAt;
      this.deps.events.append({
        kind: 'containers.boot-race',
        severity: c.lifeline ? 'critical' : 'warning',
        subject: c.key,
        message: recover
          ? msg('containers.boot-race.retry', {
              ...how.params,
              ...where,
              how: how.key,
              after,
              window: cfg.bootRace.windowMinutes * 60_000,
            })
          : msg('containers.boot-race.manual', { ...how.params, ...where, how: how.key, after }),
        data,
      });
    } else {
      this.deps.events.append({
        kind: 'containers.died',
        severity: c.lifeline ? 'critical' : 'warning',
        subject: c.key,
        message: msg('containers.died', { ...how.params, ...where, how: how.key }),
        data,
      });
    }
    if (recover) recovery.begin({ key: c.key, name: c.name, engine: cfg.id }, d.at);
  }

  /** Records the death; true when the container now counts as looping. */
  private countDeath(key: string, at: number): boolean {
    const windowMs = this.deps.cfg.restartLoop.minutes * 60_000;
    const now = this.deps.clock.now();
    const list = (this.deaths.get(key) ?? []).filter((t) => t > now - windowMs);
    list.push(Math.min(at, now));
    this.deaths.set(key, list);
    if (list.length >= this.deps.cfg.restartLoop.restarts) {
      this.looping.add(key);
      this.planLoopEnd(key);
    }
    return this.looping.has(key);
  }

  /** A loop ends when fewer than N deaths remain inside the window. */
  private planLoopEnd(key: string): void {
    const old = this.loopTimers.get(key);
    if (old) clearTimeout(old);
    const windowMs = this.deps.cfg.restartLoop.minutes * 60_000;
    const list = this.deaths.get(key) ?? [];
    const needed = this.deps.cfg.restartLoop.restarts;
    // The moment the oldest death that keeps the count at N leaves the window.
    const pivot = list[list.length - needed] ?? this.deps.clock.now();
    const wait = Math.max(0, pivot + windowMs - this.deps.clock.now()) + 50;
    this.loopTimers.set(
      key,
      setTimeout(() => {
        this.loopTimers.delete(key);
        const now = this.deps.clock.now();
        const kept = (this.deaths.get(key) ?? []).filter((t) => t > now - windowMs);
        this.deaths.set(key, kept);
        if (kept.length >= needed) return this.planLoopEnd(key);
        this.looping.delete(key);
        this.deps.changed(key);
      }, wait),
    );
  }

  private announceLoop(c: DeadContainer, d: Death): void {
    const { cfg } = this.deps;
    const count = this.deaths.get(c.key)?.length ?? cfg.restartLoop.restarts;
    this.deps.events.append({
      kind: 'containers.restart-loop',
      severity: c.lifeline ? 'critical' : 'warning',
      subject: c.key,
      message: (() => {
        const how = deathRef(d);
        return msg('containers.restart-loop', {
          ...how.params,
          name: c.name,
          engine: cfg.id,
          count,
          window: cfg.restartLoop.minutes * 60_000,
          how: how.key,
        });
      })(),
      data: {
        engine: cfg.id,
        container: c.key,
        name: c.name,
        containerId: c.id.slice(0, 12),
        deaths: count,
        minutes: cfg.restartLoop.minutes,
        exitCode: d.exitCode,
        error: d.error,
        restartCount: c.restartCount,
        lifeline: c.lifeline,
      },
    });
  }
}

/** "died with exit code 127 (its command or a file it needs was not found)", "could not start: …". */
/** How it died, as a catalogue message (its parameters travel with it). */
export function deathRef(d: Pick<Death, 'exitCode' | 'error' | 'oomKilled' | 'startFailed'>): MessageRef {
  const error = d.error ? d.error.split('\n')[0]!.slice(0, 240) : null;
  if (d.startFailed && error)
    return msg('containers.how.start-failed', { exitCode: d.exitCode ?? '?', error });
  if (d.exitCode === null)
    return error ? msg('containers.how.died-error', { error }) : msg('containers.how.died');
  const hint = exitHintKey(d.exitCode, d.oomKilled);
  const exitCode = d.exitCode;
  if (hint && error)
    return msg('containers.how.exit-hint-error', { ...hint.params, exitCode, hint: hint.key, error });
  if (hint) return msg('containers.how.exit-hint', { ...hint.params, exitCode, hint: hint.key });
  return error
    ? msg('containers.how.exit-error', { exitCode, error })
    : msg('containers.how.exit', { exitCode });
}

const HINTED = [0, 125, 126, 127, 128, 137, 139, 143] as const;

function exitHintKey(code: number, oomKilled: boolean): MessageRef | null {
  if (oomKilled) return msg('containers.exit.oom');
  const known = HINTED.find((c) => c === code);
  if (known !== undefined) return msg(`containers.exit.${known}`);
  return code > 128 && code < 160 ? msg('containers.exit.signal', { signal: code - 128 }) : null;
}

export function describeDeath(d: Pick<Death, 'exitCode' | 'error' | 'oomKilled' | 'startFailed'>): string {
  const error = d.error ? d.error.split('\n')[0]!.slice(0, 240) : null;
  if (d.startFailed && error) return `could not start (exit code ${d.exitCode ?? '?'}): ${error}`;
  const hint = exitHint(d.exitCode, d.oomKilled);
  const code = d.exitCode === null ? 'died' : `died with exit code ${d.exitCode}`;
  return `${code}${hint ? ` (${hint})` : ''}${error ? `: ${error}` : ''}`;
}
