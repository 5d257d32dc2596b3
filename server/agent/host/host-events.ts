// A raised or cleared alert as an event of the agent's history (and a push): its kind says what
// kind of trouble, the subject which thing, the data carries the message as key + params with the
// consumers it names, so each phone words it in its own language.
import type { NewEvent } from '../event-log.js';
import type { HostTransition } from './judge.js';
import { withConsumers } from './messages.js';

export const HOST_EVENT_KINDS = [
  'host.pressure',
  'host.pressure-cleared',
  'host.disk-full',
  'host.disk-full-cleared',
  'host.container-memory',
  'host.container-memory-cleared',
] as const;

function family(t: HostTransition): string {
  if (t.rule === 'diskUsed') return 'host.disk-full';
  if (t.rule === 'containerMemory') return 'host.container-memory';
  return 'host.pressure';
}

export function hostEvent(t: HostTransition): NewEvent {
  const alert = t.kind === 'alert';
  return {
    kind: alert ? family(t) : `${family(t)}-cleared`,
    // A warning before the lock-up (it pushes at once, with high urgency); its end is news too.
    severity: alert ? 'warning' : 'info',
    subject: t.subject || t.rule,
    message: withConsumers(t.message, t.consumers),
    at: t.at,
    data: { rule: t.rule, since: t.since, message: t.message, consumers: t.consumers },
  };
}
