// The agent's own facts (name, version, uptime, host boot time), how its last run ended, and the
// notice that goes with it: after a power cut this is often the first sign the owner gets.
import os from 'node:os';
import { msg } from '../../../shared/messages/say.js';
import type { AgentFacts } from '../../../shared/protocol/vocabulary.js';
import { VERSION } from '../../version.js';
import type { AgentContext, Capability, CheckRow } from '../capability.js';
import { hostBootId } from '../host-boot.js';
import { LifeSigns, type PreviousRun } from './life-signs.js';
import { type SettleTiming, UncleanReport, type UncleanStop } from './unclean-report.js';

const BOOT_KEY = 'status.hostBootAt';
/** Boot times computed from uptime wobble by a second or so; anything closer is the same boot. */
const SAME_BOOT_MS = 60_000;

export interface StatusOptions {
  /** How long the unclean-stop report waits for containers to settle (tests). */
  settle?: SettleTiming;
  aliveEveryMs?: number;
}

function lastStopOf(previous: PreviousRun, now: number): AgentFacts['lastStop'] {
  if (previous.kind === 'first') return undefined;
  if (previous.kind === 'clean')
    return { clean: true, at: previous.stoppedAt, backAt: now, hostRebooted: previous.hostRebooted };
  return { clean: false, at: previous.lastSeenAt, backAt: now, hostRebooted: previous.hostRebooted };
}

export function createStatusCapability(ctx: AgentContext, opts: StatusOptions = {}): Capability {
  const signs = new LifeSigns({
    dataDir: ctx.dataDir,
    kv: ctx.kv,
    db: ctx.db,
    now: () => ctx.clock.now(),
    ...(opts.aliveEveryMs ? { everyMs: opts.aliveEveryMs } : {}),
  });
  const report = new UncleanReport(ctx, opts.settle);
  return {
    name: 'status',
    actions: [],
    start() {
      const now = ctx.clock.now();
      const { hostBootAt } = ctx;
      const previousBoot = ctx.kv.get<number>(BOOT_KEY);
      const bootId = hostBootId(ctx.hostRoot);
      const previous = signs.begin(bootId);
      // The boot id says it for sure; the boot time (from uptime) is what older runs recorded.
      const startedAfterBoot =
        previous.kind !== 'first'
          ? previous.hostRebooted ||
            (previousBoot !== undefined && Math.abs(previousBoot - hostBootAt) > SAME_BOOT_MS)
          : previousBoot !== undefined && Math.abs(previousBoot - hostBootAt) > SAME_BOOT_MS;
      ctx.kv.set(BOOT_KEY, hostBootAt);
      const lastStop = lastStopOf(previous, now);
      const facts: AgentFacts = {
        name: ctx.config.home.name,
        homeId: ctx.homeId,
        version: VERSION,
        hostname: os.hostname(),
        platform: `${os.platform()} ${os.arch()}`,
        startedAt: now,
        hostBootAt,
        startedAfterBoot,
        ...(lastStop ? { lastStop } : {}),
      };
      ctx.state.set('agent', 'self', facts);
      const unclean: UncleanStop | null =
        previous.kind === 'unclean'
          ? { lastSeenAt: previous.lastSeenAt, backAt: now, hostRebooted: startedAfterBoot }
          : null;
      report.start(unclean);
      if (unclean) return;
      if (startedAfterBoot)
        ctx.events.append(
          previous.kind === 'clean'
            ? {
                kind: 'agent.started-after-boot',
                severity: 'info',
                message: msg('agent.startedAfterCleanBoot'),
                data: { hostBootAt, previousBootAt: previousBoot, clean: true },
              }
            : {
                kind: 'agent.started-after-boot',
                severity: 'warning',
                message: msg('agent.started-after-boot', { bootAt: hostBootAt }),
                data: { hostBootAt, previousBootAt: previousBoot },
              },
        );
      else
        ctx.events.append({
          kind: 'agent.started',
          severity: 'info',
          message: msg('agent.started', { version: VERSION }),
          data: { version: VERSION },
        });
    },
    stop() {
      report.stop();
      signs.end();
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
