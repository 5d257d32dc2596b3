// SPEC §4 for containers: start is allowed; stop of a lifeline is refused with the reason; restart
// is confirmed, and for a lifeline the confirmation names what becomes unreachable meanwhile.
import type { Classification } from '../actions.js';
import { exitHint, isRunning } from './container-info.js';
import type { ContainerRoles } from './container-roles.js';
import type { Tracked } from './container-table.js';

/** What the rules read of an engine's containers. */
export interface GuardView {
  key(t: Tracked): string;
  roles(t: Tracked): ContainerRoles;
  dependents(t: Tracked): Tracked[];
}

type Confirm = Extract<Classification, { decision: 'confirm' }>;

/** Containers that lose their network with this one, named for the confirmation. */
function networkConsequence(m: GuardView, t: Tracked, skip: (d: Tracked) => boolean = () => false): string[] {
  const names = m
    .dependents(t)
    .filter((d) => !skip(d))
    .map((d) => d.name);
  if (names.length === 0) return [];
  return [
    `${names.join(', ')} ${names.length === 1 ? 'uses' : 'use'} its network and lose${names.length === 1 ? 's' : ''} it meanwhile; ${names.length === 1 ? 'it' : 'they'} may need a restart afterwards`,
  ];
}

function lifelineConsequences(m: GuardView, t: Tracked): string[] {
  const f = m.roles(t);
  const out = [`${t.name} is a lifeline: ${f.lifelineWhy ?? 'the remote path depends on it'}`];
  if (f.self)
    out.push(
      'The Lifeline agent restarts with it: every open session (this app, ctl) drops until it is back, then reconnects by itself',
    );
  else
    out.push(
      `While it restarts, whatever reaches home through ${t.name} is cut off — possibly this app and ctl, when you are away — usually for a few seconds`,
    );
  const via = m.dependents(t).filter((d) => m.roles(d).lifeline);
  for (const d of via)
    out.push(
      `${d.name} loses its network while ${t.name} restarts, and with it the way in that ${d.name} provides`,
    );
  return out;
}

export function classifyRestart(m: GuardView, t: Tracked): Confirm {
  const f = m.roles(t);
  const s = t.inspect.State;
  if (f.lifeline)
    return {
      decision: 'confirm',
      title: `Restart ${t.name} (lifeline)`,
      // Lifelines among them were named above.
      consequences: [...lifelineConsequences(m, t), ...networkConsequence(m, t, (d) => m.roles(d).lifeline)],
    };
  const now = isRunning(t.inspect)
    ? `${t.name} stops and starts again; what it serves is unavailable meanwhile (usually a few seconds)`
    : `${t.name} is not running (${s.Status}${s.ExitCode || s.Error ? `, exit code ${s.ExitCode}${exitHint(s.ExitCode) ? `: ${exitHint(s.ExitCode)}` : ''}` : ''}); this starts it`;
  return {
    decision: 'confirm',
    title: `Restart ${t.name}`,
    consequences: [now, ...networkConsequence(m, t)],
  };
}

export function classifyStop(m: GuardView, t: Tracked): Classification {
  const f = m.roles(t);
  if (f.lifeline)
    return {
      decision: 'refuse',
      code: 'refused',
      message: f.self
        ? `${t.name} runs this Lifeline agent: stopping it would cut every way in. Restart it instead.`
        : `${t.name} is a lifeline (${f.lifelineWhy ?? 'the remote path depends on it'}): stopping it could cut the way back in. Restart it instead.`,
      params: { container: m.key(t) },
    };
  if (!isRunning(t.inspect)) return { decision: 'allow' };
  const policy = t.inspect.HostConfig?.RestartPolicy?.Name;
  return {
    decision: 'confirm',
    title: `Stop ${t.name}`,
    consequences: [
      `${t.name} stays stopped until someone starts it${policy === 'always' ? ' (or Docker restarts, as its restart policy is "always")' : ''}`,
      ...(f.watched ? ['It is watched, but this stop is intended: no alert is sent for it'] : []),
      ...networkConsequence(m, t),
    ],
  };
}
