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
});
export type AgentFacts = v.InferOutput<typeof AgentFacts>;

export const AGENT_ENTITIES = { agent: AgentFacts };
