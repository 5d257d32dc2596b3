// Problems that belong to the agent itself rather than a capability: its link to the relay is down
// (away from home nothing reaches it), and it started after a power cut.
import type { EntityTable } from '../../../shared/protocol/vocabulary.js';
import { formatDateTime, t } from '../i18n/index.js';
import type { Problem } from './problem.js';

export function coreProblems(entities: EntityTable): Problem[] {
  const out: Problem[] = [];
  // `link` is the relay, `standby` a second one (relay.standby): home is cut off only when neither is linked.
  const relays = entities.list('relay');
  const down = relays.filter((r) => !r.data.connected);
  if (relays.length > 0 && down.length < relays.length)
    for (const r of down)
      out.push({
        id: `agent:relay:${r.id}:down`,
        severity: 'warning',
        title: t('home.problem.standby'),
        detail: t('home.problem.standbyBody', { url: r.data.url ? new URL(r.data.url).host : r.id }),
        href: '#/settings',
      });
  else if (relays.length > 0)
    out.push({
      id: 'agent:relay:down',
      severity: 'critical',
      title: t('home.problem.relay'),
      detail: t('home.problem.relayBody'),
      href: '#/settings',
    });
  const facts = entities.get('agent', 'self');
  if (facts?.startedAfterBoot)
    out.push({
      id: `agent:power-cut:${facts.startedAt}`,
      severity: 'warning',
      title: t('home.problem.powerCut'),
      detail: t('home.problem.powerCutBody', { time: formatDateTime(facts.hostBootAt) }),
      href: '#/activity',
      dismissible: true,
    });
  return out;
}
