// The agent's own facts (kind `agent`, id `self`): what Home and `ctl status` show about it.
import * as v from 'valibot';

export const AgentFacts = v.object({
  name: v.string(),
  homeId: v.string(),
  version: v.string(),
  hostname: v.string(),
  platform: v.string(),
  startedAt: v.number(),
  hostBootAt: v.number(),
  /** True when this agent start followed a host boot (power loss suspected). */
  startedAfterBoot: v.boolean(),
  /** How the last run ended: a clean stop, or none (its last sign of life); absent on a first start. */
  lastStop: v.optional(
    v.object({
      clean: v.boolean(),
      /** The clean stop, or the last sign of life. */
      at: v.number(),
      /** When this run began. */
      backAt: v.number(),
      /** The host's boot id changed in between: the machine itself went down. */
      hostRebooted: v.boolean(),
    }),
  ),
});
export type AgentFacts = v.InferOutput<typeof AgentFacts>;

export const AGENT_ENTITIES = { agent: AgentFacts };
