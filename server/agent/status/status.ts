// The agent's own facts (name, version, uptime, host boot time) and the "started after a host
// boot" notice: after a power cut this is often the first sign the owner gets.

import os from 'node:os';
import { msg } from '../../../shared/messages/say.js';
import type { AgentFacts } from '../../../shared/protocol/vocabulary.js';
import { VERSION } from '../../version.js';
import type { AgentContext, Capability, CheckRow } from '../capability.js';

const BOOT_KEY = 'status.hostBootAt';
/** The last time this run was known alive, and whether it stopped cleanly: `{ at, clean }`. */
const ALIVE_KEY = 'status.alive';
/** How often the agent notes it is alive: the "stopped around" time is this precise. */
const ALIVE_EVERY_MS = 30_000;
/** Boot times computed from uptime wobble by a second or so; anything closer is the same boot. */
const SAME_BOOT_MS = 60_000;

export function createStatusCapability(ctx: AgentContext): Capability {
  let alive: ReturnType<typeof setInterval> | undefined;
  const noteAlive = (clean: boolean) => ctx.kv.set(ALIVE_KEY, { at: ctx.clock.now(), clean });
  return {
    name: 'status',
    actions: [],
    start() {
      const now = ctx.clock.now();
      // A run that never said it stopped ended in a crash or a power cut: say so, with the downtime.
      const last = ctx.kv.get<{ at: number; clean: boolean }>(ALIVE_KEY);
      if (last && !last.clean)
        ctx.events.append({
          kind: 'agent.unclean-stop',
          severity: 'warning',
          message: msg('agent.unclean-stop', { at: last.at, down: Math.max(0, now - last.at) }),
          data: { lastAliveAt: last.at, downMs: Math.max(0, now - last.at) },
        });
      noteAlive(false);
      alive = setInterval(() => noteAlive(false), ALIVE_EVERY_MS);
      alive.unref?.();
      const { hostBootAt } = ctx;
      const previous = ctx.kv.get<number>(BOOT_KEY);
      const startedAfterBoot = previous !== undefined && Math.abs(previous - hostBootAt) > SAME_BOOT_MS;
      ctx.kv.set(BOOT_KEY, hostBootAt);
      const facts: AgentFacts = {
        name: ctx.config.home.name,
        homeId: ctx.homeId,
        version: VERSION,
        hostname: os.hostname(),
        platform: `${os.platform()} ${os.arch()}`,
        startedAt: now,
        hostBootAt,
        startedAfterBoot,
      };
      ctx.state.set('agent', 'self', facts);
      if (startedAfterBoot)
        ctx.events.append({
          kind: 'agent.started-after-boot',
          severity: 'warning',
          message: msg('agent.started-after-boot', { bootAt: hostBootAt }),
          data: { hostBootAt, previousBootAt: previous },
        });
      else
        ctx.events.append({
          kind: 'agent.started',
          severity: 'info',
          message: msg('agent.started', { version: VERSION }),
          data: { version: VERSION },
        });
    },
    stop() {
      clearInterval(alive);
      noteAlive(true);
    },
    async check(): Promise<CheckRow[]> {
      const quick = ctx.db.pragma('quick_check', { simple: true });
      return [
        {
          name: 'database',
          status: quick === 'ok' ? 'ok' : 'fail',
          detail: quick === 'ok' ? 'integrity ok' : String(quick),
        },
      ];
    },
  };
}
