// The guard's rules for plugs (SPEC §4), as one pure function the guard calls for every request,
// whatever path it came by. A lifeline plug that is on stays on, except inside a power-cycle
// that the plug itself ends with its own timer.
import { msg } from '../../../shared/messages/say.js';
import type { PlugInfo } from '../../../shared/protocol/power.js';
import type { Classification } from '../actions.js';
import type { PlugConfig } from './config.js';

export type PlugVerb = 'on' | 'off' | 'toggle' | 'cycle';

const TIMER_WORDS = { atomic: 'power.timer-set.atomic', 'two-step': 'power.timer-set.two-step' } as const;

export function classifyPlug(
  verb: PlugVerb,
  plug: PlugConfig | undefined,
  view: PlugInfo | undefined,
  seconds: number | undefined,
): Classification {
  if (!plug) return { decision: 'refuse', code: 'not-found', message: msg('power.refuse.not-found') };
  if (!view) return { decision: 'refuse', code: 'unreachable', message: msg('power.refuse.not-started') };
  const powers = plug.powers.join(', ');
  const name = plug.name;
  const params = { plug: plug.id, name: plug.name, powers };

  if (verb === 'on') return { decision: 'allow' };

  if (verb === 'off') {
    if (plug.lifeline)
      return {
        decision: 'refuse',
        message: msg(
          view.timer.kind === 'none'
            ? 'power.refuse.lifeline-off-only-on'
            : 'power.refuse.lifeline-off-cycle',
          { name, powers },
        ),
        params,
      };
    return {
      decision: 'confirm',
      title: msg('power.confirm.off', { name }),
      consequences: [
        msg('power.consequence.off', { name }),
        ...(plug.powers.length > 0 ? [msg('power.consequence.powers-down', { powers })] : []),
      ],
    };
  }

  if (verb === 'toggle') {
    if (plug.lifeline) {
      // Only "on" is ever allowed, so a toggle is allowed only when the plug is known to be off;
      // the run re-reads the device and refuses if it is on by then.
      if (view.on === false) return { decision: 'allow' };
      return {
        decision: 'refuse',
        message: msg('power.refuse.lifeline', {
          name,
          powers,
          what: view.on === true ? 'power.what.toggle-on' : 'power.what.toggle-unknown',
        }),
        params,
      };
    }
    return {
      decision: 'confirm',
      title: msg('power.confirm.toggle', { name }),
      consequences: [
        msg(view.on === false ? 'power.consequence.toggle-on' : 'power.consequence.toggle-off', { name }),
      ],
    };
  }

  // cycle
  const s = seconds ?? plug.cycleSeconds;
  if (view.cycle)
    return {
      decision: 'refuse',
      message: msg('power.refuse.in-cycle', { name }),
      params,
    };
  if (view.timer.kind === 'none') {
    if (plug.lifeline)
      return {
        decision: 'refuse',
        code: 'unsupported',
        message: msg('power.refuse.lifeline-no-timer', {
          name,
          powers,
          driver: `${plug.driver}${plug.model ? `, ${plug.model}` : ''}`,
        }),
        params,
      };
    return {
      decision: 'confirm',
      title: msg('power.confirm.cycle', { name, seconds: s }),
      consequences: [
        msg('power.consequence.cycle-agent', { name, seconds: s }),
        ...(plug.powers.length > 0 ? [msg('power.consequence.powers-down-meanwhile', { powers })] : []),
      ],
    };
  }
  if (s > view.timer.maxSeconds)
    return {
      decision: 'refuse',
      code: 'bad-args',
      message: msg('power.refuse.timer-max', { name, max: view.timer.maxSeconds }),
      params,
    };
  if (!plug.lifeline)
    return {
      decision: 'confirm',
      title: msg('power.confirm.cycle', { name, seconds: s }),
      consequences: [
        msg('power.consequence.cycle-device', { name, seconds: s }),
        ...(plug.powers.length > 0 ? [msg('power.consequence.powers-down-meanwhile', { powers })] : []),
      ],
    };
  return {
    decision: 'confirm',
    title: msg('power.confirm.cycle-lifeline', { name, seconds: s }),
    consequences: [
      msg('power.consequence.cycle-unreachable', { powers, back: s + plug.bootSeconds }),
      msg('power.consequence.cycle-timer', { name, seconds: s, how: TIMER_WORDS[view.timer.kind] }),
    ],
    typeToConfirm: plug.name,
  };
}
