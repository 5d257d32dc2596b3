// The command and entity vocabulary, composed: each capability declares its entity kinds and its
// actions in its own file beside this one, and adds them below — one line each. The agent, the PWA
// and ctl all read these, so what the agent publishes and accepts is what the clients expect.
import * as v from 'valibot';
import type { ActionSpec } from './action.js';
import { ACTIVITY_ACTIONS } from './activity.js';
import { AGENT_ENTITIES } from './agent.js';
import { CONTAINERS_ACTIONS, CONTAINERS_ENTITIES } from './containers.js';
import { DEVICES_ACTIONS, DEVICES_ENTITIES } from './devices.js';
import type { Entity } from './frames.js';
import { HOST_ACTIONS, HOST_ENTITIES } from './host.js';
import { MACHINES_ACTIONS, MACHINES_ENTITIES } from './machines.js';
import { NETWORK_ACTIONS, NETWORK_ENTITIES } from './network.js';
import { NOTIFY_ACTIONS, NOTIFY_ENTITIES } from './notify.js';
import { PASSKEYS_ACTIONS, PASSKEYS_ENTITIES } from './passkeys.js';
import { POWER_ACTIONS, POWER_ENTITIES } from './power.js';
import { RELAY_ENTITIES } from './relay.js';
import { TLS_ACTIONS, TLS_ENTITIES } from './tls.js';
import { UPS_ACTIONS, UPS_ENTITIES } from './ups.js';

export * from './activity.js';
export * from './agent.js';
export * from './containers.js';
export * from './devices.js';
export * from './host.js';
export * from './machines.js';
export * from './network.js';
export * from './notify.js';
export * from './passkeys.js';
export * from './power.js';
export * from './relay.js';
export * from './tls.js';
export * from './ups.js';

/** Every entity kind the agent publishes, with the schema of its data. */
export const ENTITIES = {
  ...AGENT_ENTITIES,
  ...RELAY_ENTITIES,
  ...DEVICES_ENTITIES,
  ...NOTIFY_ENTITIES,
  ...PASSKEYS_ENTITIES,
  ...MACHINES_ENTITIES,
  ...CONTAINERS_ENTITIES,
  ...POWER_ENTITIES,
  ...NETWORK_ENTITIES,
  ...HOST_ENTITIES,
  ...UPS_ENTITIES,
  ...TLS_ENTITIES,
} as const;

/** Every action the agent offers. */
export const ACTIONS: readonly ActionSpec[] = [
  ...ACTIVITY_ACTIONS,
  ...DEVICES_ACTIONS,
  ...NOTIFY_ACTIONS,
  ...PASSKEYS_ACTIONS,
  ...MACHINES_ACTIONS,
  ...CONTAINERS_ACTIONS,
  ...POWER_ACTIONS,
  ...NETWORK_ACTIONS,
  ...HOST_ACTIONS,
  ...UPS_ACTIONS,
  ...TLS_ACTIONS,
];

export type EntityKind = keyof typeof ENTITIES;
export type EntityData<K extends EntityKind> = v.InferOutput<(typeof ENTITIES)[K]>;
export interface TypedEntity<K extends EntityKind> {
  kind: K;
  id: string;
  version: number;
  data: EntityData<K>;
}

export function isEntityKind(kind: string): kind is EntityKind {
  return Object.hasOwn(ENTITIES, kind);
}

/**
 * Validates entity data from the wire against its kind's schema. Unknown kinds (a newer agent)
 * are reported as such, so a client can keep them out of view rather than guess their shape.
 */
export function checkEntity(
  e: Entity,
): { ok: true; entity: TypedEntity<EntityKind> } | { ok: false; unknownKind: boolean; reason: string } {
  if (!isEntityKind(e.kind)) return { ok: false, unknownKind: true, reason: `unknown kind ${e.kind}` };
  const r = v.safeParse(ENTITIES[e.kind] as v.GenericSchema, e.data);
  if (!r.success) return { ok: false, unknownKind: false, reason: r.issues[0].message };
  return {
    ok: true,
    entity: { kind: e.kind, id: e.id, version: e.version, data: r.output as EntityData<EntityKind> },
  };
}

/**
 * Entities by kind, for a client: each stored entity was checked on the way in, so reading a kind
 * gives its data typed, without a cast at the call site.
 */
export class EntityTable {
  private readonly byKey = new Map<string, TypedEntity<EntityKind>>();

  /** Stores a checked entity; returns false (and keeps nothing) when it does not match its kind. */
  put(e: Entity): boolean {
    const r = checkEntity(e);
    if (!r.ok) return false;
    this.byKey.set(`${e.kind}:${e.id}`, r.entity);
    return true;
  }

  remove(kind: string, id: string): void {
    this.byKey.delete(`${kind}:${id}`);
  }

  clear(): void {
    this.byKey.clear();
  }

  get<K extends EntityKind>(kind: K, id: string): EntityData<K> | undefined {
    return (this.byKey.get(`${kind}:${id}`) as TypedEntity<K> | undefined)?.data;
  }

  list<K extends EntityKind>(kind: K): TypedEntity<K>[] {
    const out: TypedEntity<K>[] = [];
    for (const e of this.byKey.values()) if (e.kind === kind) out.push(e as TypedEntity<K>);
    return out;
  }

  all(): TypedEntity<EntityKind>[] {
    return [...this.byKey.values()];
  }

  /** A copy (a UI keeps one per state change, so a change is a new value). */
  clone(): EntityTable {
    const copy = new EntityTable();
    for (const [k, e] of this.byKey) copy.byKey.set(k, e);
    return copy;
  }
}

/** The current name of an action a client sent, whether it used the current name or an earlier one. */
const BY_NAME = new Map<string, ActionSpec>();
for (const spec of ACTIONS) {
  BY_NAME.set(spec.name, spec);
  for (const alias of spec.aliases ?? []) BY_NAME.set(alias, spec);
}
export function actionSpec(name: string): ActionSpec | undefined {
  return BY_NAME.get(name);
}
