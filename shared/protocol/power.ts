// The smart-plug entity kind `plug` (id = the plug's config id): what the Power screen and
// `ctl plugs` show, and what the guard's reasons refer to.
import * as v from 'valibot';
import { action, NoArgs } from './action.js';
import { ERROR_CODES } from './errors.js';
import { MessageRef } from './message.js';

export const PlugTimer = v.object({
  /** How the device turns itself back on: one request, two requests, or not at all. */
  kind: v.picklist(['atomic', 'two-step', 'none']),
  /** Longest off time the device timer accepts (0 when there is none). */
  maxSeconds: v.number(),
});
export type PlugTimer = v.InferOutput<typeof PlugTimer>;

export const PlugCycle = v.object({
  startedAt: v.number(),
  /** When the relay should be back on. */
  endsAt: v.number(),
  /** When the agent should be reachable again (relay back on + boot allowance). */
  expectBackAt: v.number(),
  /** Who turns it back on: the plug's own timer, or the agent (ordinary plugs without one). */
  by: v.picklist(['device', 'agent']),
  /** False when the plug did not answer the request that set its timer. */
  confirmed: v.boolean(),
});
export type PlugCycle = v.InferOutput<typeof PlugCycle>;

export const PlugInfo = v.object({
  name: v.string(),
  driver: v.string(),
  online: v.boolean(),
  /** Why it is offline or what failed last (a stable code and a message). */
  problem: v.optional(
    v.object({
      code: v.picklist(ERROR_CODES),
      message: v.string(),
      /** `message` as a catalogue message (shared/messages/power.ts), where the driver said one. */
      msg: v.optional(MessageRef),
    }),
  ),
  /** Relay state; null until the plug has answered once. */
  on: v.nullable(v.boolean()),
  watts: v.optional(v.number()),
  lifeline: v.boolean(),
  powers: v.array(v.string()),
  timer: PlugTimer,
  cycleSeconds: v.number(),
  cycle: v.optional(PlugCycle),
  /** Last time the plug answered. */
  seenAt: v.optional(v.number()),
  /** Last time the relay changed. */
  changedAt: v.optional(v.number()),
});
export type PlugInfo = v.InferOutput<typeof PlugInfo>;

/**
 * The draw to show as the plug's current one: none while it is off, power-cycling or not
 * answering, when the last reading is not what flows now.
 */
export function currentWatts(p: PlugInfo): number | undefined {
  return p.online && p.on === true && !p.cycle ? p.watts : undefined;
}

export const POWER_ENTITIES = { power: PlugInfo };

/** What switching answers: the plug as it is now, named. */
const Switched = v.object({ ...PlugInfo.entries, plug: v.string() });
const plugAction = <const N extends string>(name: N, alias: string) =>
  action({ name, target: 'required', args: NoArgs, result: Switched, aliases: [alias] });
export const PowerOn = plugAction('power.on', 'plug.on');
export const PowerOff = plugAction('power.off', 'plug.off');
export const PowerToggle = plugAction('power.toggle', 'plug.toggle');
export const PowerCycle = action({
  name: 'power.cycle',
  target: 'required',
  args: v.strictObject({
    seconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(5), v.maxValue(3600))),
  }),
  result: v.object({
    plug: v.string(),
    cycleSeconds: v.number(),
    endsAt: v.number(),
    expectBackAt: v.number(),
    by: v.picklist(['device', 'agent']),
    evidence: v.optional(v.string()),
  }),
  aliases: ['plug.cycle'],
});
export const POWER_ACTIONS = [PowerOn, PowerOff, PowerToggle, PowerCycle];
