// SPEC §4 for containers: start is allowed; stop of a lifeline is refused with the reason; restart
// is confirmed, and for a lifeline the confirmation names what becomes unreachable meanwhile.
import { msg } from '../../../shared/messages/say.js';
import type { MessageRef } from '../../../shared/protocol/message.js';
import type { Classification } from '../actions.js';
import { isRunning } from './container-info.js';
import type { ContainerRoles } from './container-roles.js';
import type { Tracked } from './container-table.js';

/** What the rules read of an engine's containers. */
export interface GuardView {
  key(t: Tracked): string;
  roles(t: Tracked): ContainerRoles;
  dependents(t: Tracked): Tracked[];
}

type Confirm = Extract<Classification, { decision: 'confirm' }>;

/** Why it is a lifeline, as a catalogue key (the roles word it in English). */
function whyKey(f: ContainerRoles): { why: string; via?: string } {
  if (f.self) return { why: 'containers.why.self' };
  const via = f.lifelineWhy?.match(/^(.+) \(a lifeline\) uses its network$/)?.[1];
  if (via) return { why: 'containers.why.network', via };
  if (f.lifelineWhy) return { why: 'containers.why.listed' };
  return { why: 'containers.why.default' };
}

const HINTED = [0, 125, 126, 127, 128, 137, 139, 143];

/** Containers that lose their network with this one, named for the confirmation. */
function networkConsequence(
  m: GuardView,
  t: Tracked,
  skip: (d: Tracked) => boolean = () => false,
): MessageRef[] {
  const names = m
    .dependents(t)
    .filter((d) => !skip(d))
    .map((d) => d.name);
  if (names.length === 0) return [];
  return [
    msg(names.length === 1 ? 'containers.consequence.network-one' : 'containers.consequence.network-many', {
      names: names.join(', '),
    }),
  ];
}

function lifelineConsequences(m: GuardView, t: Tracked): MessageRef[] {
  const f = m.roles(t);
  const out = [msg('containers.consequence.lifeline', { ...whyKey(f), name: t.name })];
  if (f.self) out.push(msg('containers.consequence.self-restart'));
  else out.push(msg('containers.consequence.cut-off', { name: t.name }));
  const via = m.dependents(t).filter((d) => m.roles(d).lifeline);
  for (const d of via) out.push(msg('containers.consequence.way-in', { dependent: d.name, name: t.name }));
  return out;
}

export function classifyRestart(m: GuardView, t: Tracked): Confirm {
  const f = m.roles(t);
  const s = t.inspect.State;
  if (f.lifeline)
    return {
      decision: 'confirm',
      title: msg('containers.confirm.restart-lifeline', { name: t.name }),
      // Lifelines among them were named above.
      consequences: [...lifelineConsequences(m, t), ...networkConsequence(m, t, (d) => m.roles(d).lifeline)],
    };
  const name = t.name;
  const now = isRunning(t.inspect)
    ? msg('containers.consequence.restart-running', { name })
    : !(s.ExitCode || s.Error)
      ? msg('containers.consequence.start-stopped', { name, state: s.Status })
      : HINTED.includes(s.ExitCode)
        ? msg('containers.consequence.start-exited-hint', {
            name,
            exitCode: s.ExitCode,
            hint: `containers.exit.${s.ExitCode}`,
          })
        : msg('containers.consequence.start-exited', { name, exitCode: s.ExitCode });
  return {
    decision: 'confirm',
    title: msg('containers.confirm.restart', { name }),
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
        ? msg('containers.refuse.stop-self', { name: t.name })
        : msg('containers.refuse.stop-lifeline', { ...whyKey(f), name: t.name }),
      params: { container: m.key(t) },
    };
  if (!isRunning(t.inspect)) return { decision: 'allow' };
  const policy = t.inspect.HostConfig?.RestartPolicy?.Name;
  return {
    decision: 'confirm',
    title: msg('containers.confirm.stop', { name: t.name }),
    consequences: [
      msg(
        policy === 'always'
          ? 'containers.consequence.stays-stopped-always'
          : 'containers.consequence.stays-stopped',
        {
          name: t.name,
        },
      ),
      ...(f.watched ? [msg('containers.consequence.watched-stop')] : []),
      ...networkConsequence(m, t),
    ],
  };
}
