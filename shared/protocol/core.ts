// Core entity kinds: the agent's own facts and the paired devices.
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

export const DeviceInfo = v.object({
  name: v.string(),
  client: v.picklist(['pwa', 'ctl']),
  pairedAt: v.number(),
  lastSeenAt: v.nullable(v.number()),
  sessions: v.number(),
});
export type DeviceInfo = v.InferOutput<typeof DeviceInfo>;

export const CORE_ENTITIES = {
  agent: AgentFacts,
  device: DeviceInfo,
};
