// The state model: entities keyed by kind and id. Every change bumps one global sequence number;
// a session sends a snapshot on connect and then each update with its seq, so a client that sees
// a gap knows it missed something and asks for a resync.
import type { Entity, SnapshotFrame, UpdateFrame } from '../../shared/protocol/frames.js';
import type { EntityData, EntityKind, TypedEntity } from '../../shared/protocol/vocabulary.js';
import type { Clock } from '../clock.js';

export type StateListener = (update: UpdateFrame) => void;

export class StateStore {
  private seq = 0;
  private readonly entities = new Map<string, Entity>();
  private readonly listeners = new Set<StateListener>();

  constructor(private readonly clock: Clock) {}

  /** Publishes an entity; identical data is not an update. The kind's schema types the data. */
  set<K extends EntityKind>(kind: K, id: string, data: EntityData<K>): void {
    const key = `${kind}:${id}`;
    const old = this.entities.get(key);
    if (old && stableJson(old.data) === stableJson(data)) return;
    const entity: Entity = { kind, id, version: ++this.seq, data };
    this.entities.set(key, entity);
    this.emit({ t: 'update', seq: this.seq, at: this.clock.now(), entity });
  }

  remove(kind: EntityKind, id: string): void {
    if (!this.entities.delete(`${kind}:${id}`)) return;
    this.emit({ t: 'update', seq: ++this.seq, at: this.clock.now(), removed: { kind, id } });
  }

  // Entities enter only through set(), typed by their kind: reading one back keeps that type.
  get<K extends EntityKind>(kind: K, id: string): EntityData<K> | undefined {
    return this.entities.get(`${kind}:${id}`)?.data as EntityData<K> | undefined;
  }

  list<K extends EntityKind>(kind: K): TypedEntity<K>[] {
    return [...this.entities.values()].filter((e) => e.kind === kind) as TypedEntity<K>[];
  }

  snapshot(): SnapshotFrame {
    return { t: 'snapshot', seq: this.seq, at: this.clock.now(), entities: [...this.entities.values()] };
  }

  subscribe(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(update: UpdateFrame): void {
    for (const l of this.listeners) l(update);
  }
}

/** JSON with sorted keys: equal data gives equal text. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}
