// After a start that followed no clean stop: one event (and one push) — "home lost power or
// crashed around 14:02 (last sign of life), back after 23 min" — that also names the containers
// that came back unhealthy or restarting. It waits for them to settle (the engines attached, no
// health check still starting), at most two minutes. Kept in the database until said, so a
// second crash meanwhile does not swallow it.
import { msg } from '../../../shared/messages/say.js';
import type { ContainerInfo } from '../../../shared/protocol/containers.js';
import type { AgentContext } from '../capability.js';

export interface UncleanStop {
  lastSeenAt: number;
  backAt: number;
  hostRebooted: boolean;
}

export interface Troubled {
  container: string;
  state: string;
  why: 'restarting' | 'unhealthy' | 'exited';
  exitCode: number | null;
}

export interface SettleTiming {
  minMs: number;
  maxMs: number;
  everyMs: number;
}

export const SETTLE: SettleTiming = { minMs: 10_000, maxMs: 120_000, everyMs: 2_000 };
const PENDING_KEY = 'status.uncleanPending';

/**
 * Containers that are not well since the host came back: restarting or looping, unhealthy, or died
 * after it booted. `restarted`: containers seen restarting during the settle window — one that
 * crashes and is restarted over and over is `running` for a moment in each round, and a single
 * look may fall in that moment.
 */
export function troubled(
  list: readonly ContainerInfo[],
  since: number,
  restarted: ReadonlySet<string> = new Set(),
): Troubled[] {
  const out: Troubled[] = [];
  for (const c of list) {
    const container = `${c.engine}/${c.name}`;
    const base = { container, state: c.state, exitCode: c.exitCode };
    if (c.state === 'restarting' || c.looping || restarted.has(container))
      out.push({ ...base, why: 'restarting' });
    else if (c.health === 'unhealthy') out.push({ ...base, why: 'unhealthy' });
    else if (
      (c.state === 'exited' || c.state === 'dead') &&
      c.exitCode !== null &&
      c.exitCode !== 0 &&
      (c.finishedAt ?? 0) >= since
    )
      out.push({ ...base, why: 'exited' });
  }
  return out.sort((a, b) => a.container.localeCompare(b.container));
}

/** The message says only names; the state and exit code of each are in the event's data. */
export function uncleanEvent(stop: UncleanStop, containers: Troubled[]) {
  const params = { lastSeenAt: stop.lastSeenAt, downMs: Math.max(0, stop.backAt - stop.lastSeenAt) };
  const names = containers.map((t) => t.container).join(', ');
  const message = stop.hostRebooted
    ? names
      ? msg('agent.powerLostBadly', { ...params, containers: names })
      : msg('agent.powerLost', params)
    : names
      ? msg('agent.crashedBadly', { ...params, containers: names })
      : msg('agent.crashed', params);
  return {
    kind: stop.hostRebooted ? 'agent.power-lost' : 'agent.crashed',
    severity: 'warning' as const,
    message,
    at: stop.backAt,
    data: { ...stop, downMs: params.downMs, containers },
  };
}

export class UncleanReport {
  private timer: NodeJS.Timeout | null = null;
  /** Each container's restart count when first seen during the settle window. */
  private readonly firstRestarts = new Map<string, number>();
  /** Containers seen restarting (in that state, or their restart count grew) during the window. */
  private readonly restarted = new Set<string>();

  constructor(
    private readonly ctx: Pick<AgentContext, 'state' | 'events' | 'kv' | 'clock' | 'config' | 'hostBootAt'>,
    private readonly timing: SettleTiming = SETTLE,
  ) {}

  /** Says a report an earlier run could not finish, then waits to say this one. */
  start(stop: UncleanStop | null): void {
    const left = this.ctx.kv.get<UncleanStop>(PENDING_KEY);
    if (left) this.say(left, []);
    if (!stop) return;
    this.ctx.kv.set(PENDING_KEY, stop);
    if (this.ctx.config.containers.length === 0) {
      this.say(stop, []);
      return;
    }
    const check = () => {
      this.timer = null;
      this.watchRestarts();
      const elapsed = this.ctx.clock.now() - stop.backAt;
      if (elapsed >= this.timing.maxMs || (elapsed >= this.timing.minMs && this.settled())) {
        const since = stop.hostRebooted ? this.ctx.hostBootAt : stop.lastSeenAt;
        this.say(stop, troubled(this.containers(), since, this.restarted));
        return;
      }
      this.timer = setTimeout(check, this.timing.everyMs);
    };
    this.timer = setTimeout(check, Math.min(this.timing.minMs, this.timing.everyMs));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private watchRestarts(): void {
    for (const c of this.containers()) {
      const container = `${c.engine}/${c.name}`;
      const first = this.firstRestarts.get(container);
      if (first === undefined) this.firstRestarts.set(container, c.restartCount);
      if (c.state === 'restarting' || (first !== undefined && c.restartCount > first))
        this.restarted.add(container);
    }
  }

  private containers(): ContainerInfo[] {
    return this.ctx.state.list('containers').map((e) => e.data);
  }

  private settled(): boolean {
    const engines = this.ctx.state.list('containers.engine');
    return (
      engines.length >= this.ctx.config.containers.length &&
      engines.every((e) => e.data.reachable) &&
      !this.containers().some((c) => c.health === 'starting')
    );
  }

  private say(stop: UncleanStop, containers: Troubled[]): void {
    this.ctx.events.append(uncleanEvent(stop, containers));
    this.ctx.kv.set(PENDING_KEY, null);
  }
}
