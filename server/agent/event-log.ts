// The durable event history (container died, IP changed, …). Appended before anyone is told,
// then fanned out to live sessions and, once the relay link exists, to push delivery.

import { english, refOf } from '../../shared/messages/say.js';
import type { EventRecord } from '../../shared/protocol/frames.js';
import type { Text } from '../../shared/protocol/message.js';
import type { Clock } from '../clock.js';
import type { EventsRepo } from '../store/events-repo.js';

/**
 * An event as a part of the agent appends it: `message` is a catalogue message (`msg(key, params)`
 * from shared/messages/say.ts), kept with its English text, or — from older code — English alone.
 */
export type NewEvent = Omit<EventRecord, 'id' | 'at' | 'message' | 'msg'> & { at?: number; message: Text };
export type EventListener = (event: EventRecord) => void;

export class EventLog {
  private readonly listeners = new Set<EventListener>();

  constructor(
    private readonly repo: EventsRepo,
    private readonly clock: Clock,
  ) {}

  append(event: NewEvent): EventRecord {
    const { message, at, ...rest } = event;
    const ref = refOf(message);
    const record = this.repo.append({
      ...rest,
      at: at ?? this.clock.now(),
      message: english(message),
      ...(ref ? { msg: ref } : {}),
    });
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
