// The power capability (smart plugs): one controller per configured plug, the guarded actions
// (power.on / power.off / power.toggle / power.cycle), and the readiness rows for `lifeline check`.
import { LifelineError, toErrorInfo } from '../../../shared/protocol/errors.js';
import { type PlugInfo, PowerCycle, PowerOff, PowerOn, PowerToggle } from '../../../shared/protocol/power.js';
import { defineAction } from '../actions.js';
import type { AgentContext, Capability, CheckRow } from '../capability.js';
import type { PlugConfig } from './config.js';
import type { PlugDriver } from './driver.js';
import { createDriver, DRIVERS } from './drivers/index.js';
import type { MqttHub } from './mqtt-hub.js';
import { PlugController } from './plug-controller.js';
import { classifyPlug, type PlugVerb } from './policy.js';

export function createPowerCapability(ctx: AgentContext): Capability {
  const log = ctx.log.child('plugs');
  // The MQTT library loads only when a configured plug speaks MQTT.
  const needsMqtt = ctx.config.power.some((p) => DRIVERS[p.driver]?.mqtt);
  let mqtt: MqttHub | undefined;
  const hub = async () => {
    mqtt ??= needsMqtt ? (await import('./mqtt-hub.js')).createMqttHub(log.child('mqtt')) : noMqtt;
    return { clock: ctx.clock, log, mqtt };
  };
  const configs = new Map(ctx.config.power.map((p) => [p.id, p]));
  const controllers = new Map<string, PlugController>();

  const view = (id: string | undefined) => (id ? controllers.get(id)?.view() : undefined);
  const controller = (id: string | undefined): PlugController => {
    const c = id ? controllers.get(id) : undefined;
    if (!c) throw new LifelineError('not-found', `no plug ${id ?? ''}`.trim());
    return c;
  };
  const classify =
    (verb: PlugVerb) => (req: { target: string | undefined; args: { seconds?: number | undefined } }) =>
      classifyPlug(
        verb,
        req.target ? configs.get(req.target) : undefined,
        view(req.target),
        req.args?.seconds,
      );

  const on = defineAction(PowerOn, {
    classify: classify('on'),
    run: async ({ target }) => ({ plug: target!, ...(await controller(target).switchTo(true)) }),
  });
  const off = defineAction(PowerOff, {
    classify: classify('off'),
    run: async ({ target }) => ({ plug: target!, ...(await controller(target).switchTo(false)) }),
  });
  const toggle = defineAction(PowerToggle, {
    classify: classify('toggle'),
    run: async ({ target }) => ({ plug: target!, ...(await controller(target).toggle()) }),
  });
  const cycle = defineAction(PowerCycle, {
    classify: classify('cycle'),
    async run({ target, args }, { progress }) {
      const c = controller(target);
      const seconds = args.seconds ?? c.cfg.cycleSeconds;
      progress('sending', `asking ${c.cfg.name} to power-cycle for ${seconds} s`);
      return c.powerCycle(seconds);
    },
  });

  const describeTimer = (d: PlugDriver) =>
    d.capabilities.timer === 'none'
      ? 'no device timer'
      : `device timer: ${d.capabilities.timer}, up to ${d.capabilities.maxCycleSeconds} s`;

  const probe = async (
    p: PlugConfig,
    read: () => Promise<{ on: boolean; watts?: number }>,
    d: PlugDriver,
  ): Promise<CheckRow> => {
    const name = `plug ${p.id}`;
    const timer = describeTimer(d);
    const noTimerLifeline = p.lifeline && d.capabilities.timer === 'none';
    try {
      const r = await read();
      const state = `${r.on ? 'on' : 'off'}${r.watts !== undefined ? `, ${r.watts} W` : ''}`;
      if (noTimerLifeline)
        return {
          name,
          status: 'warn',
          detail: `${p.name}: ${state} · ${timer}: a lifeline power-cycle will be refused`,
        };
      if (p.lifeline && !r.on)
        return {
          name,
          status: 'warn',
          detail: `${p.name}: OFF although it is a lifeline (powers ${p.powers.join(', ')}) · ${timer}`,
        };
      return {
        name,
        status: 'ok',
        detail: `${p.name}: ${state} · ${timer}${p.lifeline ? ' · lifeline' : ''}`,
      };
    } catch (err) {
      return { name, status: 'fail', detail: `${p.name}: ${toErrorInfo(err).message} · ${timer}` };
    }
  };

  return {
    name: 'power',
    actions: [on, off, toggle, cycle],
    async start() {
      const deps = await hub();
      for (const p of ctx.config.power) {
        try {
          const c = new PlugController(p, await createDriver(p, deps), ctx);
          controllers.set(p.id, c);
          c.start();
        } catch (err) {
          // One broken plug never keeps the others (or the agent) from starting.
          log.error(`plug ${p.id} could not start: ${toErrorInfo(err).message}`);
        }
      }
    },
    async stop() {
      await Promise.all([...controllers.values()].map((c) => c.stop()));
      controllers.clear();
      await mqtt?.close();
    },
    async check() {
      const deps = await hub();
      return Promise.all(
        ctx.config.power.map(async (p) => {
          const running = controllers.get(p.id);
          if (running) return probe(p, () => running.refresh(), running.driver);
          const d = await createDriver(p, deps);
          try {
            return await probe(p, () => d.read(), d);
          } finally {
            await d.close();
          }
        }),
      ).finally(() => (controllers.size === 0 ? mqtt?.close() : undefined));
    },
  };
}

export type { PlugInfo };

/** The hub for a home without MQTT plugs: no driver that uses it is configured. */
const noMqtt: MqttHub = {
  link() {
    throw new Error('no MQTT plug is configured');
  },
  async close() {},
};
