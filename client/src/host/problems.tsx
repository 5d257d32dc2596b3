// What the host puts on Home's summary: each active alert (memory pressure before a lock-up, a
// disk filling, a container growing toward its limit) in home's words; the fixes of the top
// consumers are on the host card just below.
import type { EntityTable } from '../../../shared/protocol/vocabulary.js';
import { Say } from '../components/Say.js';
import type { Problem } from '../home/problem.js';

export function hostProblems(entities: EntityTable): Problem[] {
  const out: Problem[] = [];
  for (const { data: h } of entities.list('host'))
    for (const a of h.alerts)
      out.push({
        id: `host:${a.rule}:${a.subject}`,
        severity: 'warning',
        title: <Say m={a.message} text={a.text} />,
      });
  return out;
}
