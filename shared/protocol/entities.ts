// Entity kinds in the state model and the shape of their data. Each capability adds its kinds
// here so the PWA and ctl validate exactly what the agent publishes.
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

export const ENTITY_SCHEMAS: Record<string, v.GenericSchema> = {
  agent: AgentFacts,
  device: DeviceInfo,
};

/** Validates entity data by kind; unknown kinds (a newer agent) are passed through untouched. */
export function validateEntityData(
  kind: string,
  data: unknown,
): { ok: true } | { ok: false; reason: string } {
  const schema = ENTITY_SCHEMAS[kind];
  if (!schema) return { ok: true };
  const r = v.safeParse(schema, data);
  return r.success ? { ok: true } : { ok: false, reason: r.issues[0].message };
}
