// The agent's own facts (name, version, uptime, host boot time) and the "started after a host
// boot" notice: after a power cut this is often the first sign the owner gets.

import os from 'node:os';
import { msg } from '../../../shared/messages/say.js';
import type { AgentFacts } from '../../../shared/protocol/vocabulary.js';
import { VERSION } from '../../version.js';
import type { AgentContext, Capability, CheckRow } from '../capability.js';

const BOOT_KEY = 'status.hostBootAt';
/** Boot times computed from uptime wobble by a second or so; anything closer is the same boot. */
const SAME_BOOT_MS = 60_000;

export function createStatusCapability(ctx: AgentContext): Capability {
  return {
    name: 'status',
    actions: [],
    start() {
      const now = ctx.clock.now();
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
    stop() {},
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
