// The durable event history (container died, IP changed, …). Appended before anyone is told,
// then fanned out to live sessions and, once the relay link exists, to push delivery.
import type { EventRecord } from '../../shared/protocol/frames.js';
import type { Clock } from '../clock.js';
import type { EventsRepo } from '../store/events-repo.js';

export type NewEvent = Omit<EventRecord, 'id' | 'at'> & { at?: number };
export type EventListener = (event: EventRecord) => void;

export class EventLog {
  private readonly listeners = new Set<EventListener>();

  constructor(
    private readonly repo: EventsRepo,
    private readonly clock: Clock,
  ) {}

  append(event: NewEvent): EventRecord {
    const record = this.repo.append({ ...event, at: event.at ?? this.clock.now() });
    for (const l of this.listeners) l(record);
    return record;
  }

  list(opts: { limit: number; beforeId?: number; kind?: string }): EventRecord[] {
    return this.repo.list(opts);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
