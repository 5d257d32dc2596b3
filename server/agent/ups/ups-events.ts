// A UPS transition as an event of the agent's history (and a push): the UPS's config id is the
// subject, the message travels as key + params beside its English text.
import type { NewEvent } from '../event-log.js';
import type { UpsTransition } from './outage.js';

export function upsEvent(t: UpsTransition): NewEvent {
  return {
    kind: t.kind,
    severity: t.severity,
    subject: t.ups,
    message: { key: t.message.key, params: t.message.params },
    at: t.at,
  };
}
