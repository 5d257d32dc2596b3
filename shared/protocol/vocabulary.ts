// The registry of entity kinds: each capability defines its kinds in its own file here and adds
// them below, so the PWA and ctl validate exactly what the agent publishes.
import * as v from 'valibot';
import { CONTAINER_ENTITIES } from './containers.js';
import { CORE_ENTITIES } from './core.js';
import { WOL_ENTITIES } from './machines.js';
import { NET_ENTITIES } from './network.js';
import { PLUG_ENTITIES } from './power.js';
import { RELAY_ENTITIES } from './relay.js';

export * from './containers.js';
export * from './core.js';
export * from './machines.js';
export * from './network.js';
export * from './power.js';
export * from './relay.js';

export const ENTITY_SCHEMAS: Record<string, v.GenericSchema> = {
  ...CORE_ENTITIES,
  ...RELAY_ENTITIES,
  ...WOL_ENTITIES,
  ...CONTAINER_ENTITIES,
  ...PLUG_ENTITIES,
  ...NET_ENTITIES,
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
