// The ups capability: one monitor per `ups:` entry (a UPS behind a local or remote upsd), each
// published as a `ups` entity; power failing, low battery, power back and upsd lost or found
// become events (and pushes); the owner's onBattery rule stops containers through the guard.
import type { AgentContext, Capability } from '../capability.js';
import { clientOptionsOf, type UpsEntry } from './config.js';
import { NutClient, type NutLink } from './nut-client.js';
import { runOnBattery } from './on-battery.js';
import { upsCheckRow } from './ups-check.js';
import { upsEvent } from './ups-events.js';
import { UpsMonitor } from './ups-monitor.js';

export interface UpsDeps {
  /** Opens the link to an entry's upsd (tests); default: a NutClient over TCP. */
  connect?: (entry: UpsEntry) => NutLink;
  /** Poll interval for every UPS (tests); default: each entry's pollSeconds. */
  pollMs?: number;
}

export function createUpsCapability(ctx: AgentContext, deps: UpsDeps = {}): Capability {
  const log = ctx.log.child('ups');
  const connect = deps.connect ?? ((e: UpsEntry) => new NutClient(clientOptionsOf(e, ctx.configDir)));
  const monitors = ctx.config.ups.map(
    (entry) =>
      new UpsMonitor({
        entry,
        connect,
        clock: ctx.clock,
        publish: (info) => ctx.state.set('ups', entry.id, info),
        emit: (t) => ctx.events.append(upsEvent(t)),
        onBattery: async (firing) => {
          await runOnBattery(ctx, firing);
        },
        log,
        ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
      }),
  );
  return {
    name: 'ups',
    actions: [],
    start() {
      for (const m of monitors) m.start();
    },
    async stop() {
      await Promise.all(monitors.map((m) => m.stop()));
    },
    check: () => Promise.all(ctx.config.ups.map((e) => upsCheckRow(e, connect))),
  };
}
