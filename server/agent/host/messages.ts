// How the host capability words itself: the catalogue is shared/messages/host.ts; this file makes
// its messages and composes an alert with the consumers it names into one message (an event's).
import type { hostMessages } from '../../../shared/messages/host.js';
import { english } from '../../../shared/messages/say.js';
import type { MessageParams, MessageRef } from '../../../shared/protocol/message.js';

export type HostMessageKey = keyof (typeof hostMessages)['en'];

export function message(key: HostMessageKey, params: MessageParams): MessageRef {
  return { key, params };
}

/** The English default of a message. */
export function render(d: MessageRef): string {
  return english(d);
}

const MAX_SLOTS = 4;

/**
 * One message for the alert and its consumers — "memory pressure high for 2 min: clickhouse uses
 * 9.8 GB and grew 1.2 GB in 10 min; langfuse uses 1.5 GB" — each consumer in its numbered slot.
 */
export function withConsumers(main: MessageRef, consumers: readonly MessageRef[]): MessageRef {
  const named = consumers.slice(0, MAX_SLOTS);
  if (named.length === 0) return main;
  const params: MessageParams = { ...main.params, main: main.key };
  named.forEach((c, i) => {
    const n = i + 1;
    params[`c${n}`] = c.key.replace(/^host\.consumer\./, `host.consumer${n}.`);
    for (const [k, x] of Object.entries(c.params ?? {})) params[`${k}${n}`] = x;
  });
  return { key: `host.withConsumers.${named.length}`, params };
}

/** "memory pressure high for 2 min: clickhouse uses 9.8 GB and grew 1.2 GB in 10 min; langfuse uses 1.5 GB" */
export function renderWithConsumers(main: MessageRef, consumers: readonly MessageRef[]): string {
  return english(withConsumers(main, consumers));
}
