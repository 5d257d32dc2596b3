// The guard's rules for plugs (SPEC §4), as one pure function the guard calls for every request,
// whatever path it came by. A lifeline plug that is on stays on, except inside a power-cycle
// that the plug itself ends with its own timer.
import type { PlugInfo } from '../../../shared/protocol/power.js';
import type { Classification } from '../actions.js';
import type { PlugConfig } from './config.js';

export type PlugVerb = 'on' | 'off' | 'toggle' | 'cycle';

const TIMER_WORDS = { atomic: 'in one request', 'two-step': 'in two requests, timer first' } as const;

export function classifyPlug(
  verb: PlugVerb,
  plug: PlugConfig | undefined,
  view: PlugInfo | undefined,
  seconds: number | undefined,
): Classification {
  if (!plug) return { decision: 'refuse', code: 'not-found', message: 'no such plug' };
  if (!view) return { decision: 'refuse', code: 'unreachable', message: 'plugs are not started yet' };
  const powers = plug.powers.join(', ');
  const lifelineReason = (what: string) =>
    `${plug.name} is a lifeline (it powers ${powers}): ${what} would cut the way back in`;
  const params = { plug: plug.id, name: plug.name, powers };

  if (verb === 'on') return { decision: 'allow' };

  if (verb === 'off') {
    if (plug.lifeline)
      return {
        decision: 'refuse',
        message: `${lifelineReason('switching it off')}. ${view.timer.kind === 'none' ? 'It can only be switched on.' : 'Use a power-cycle: the plug turns itself back on.'}`,
        params,
      };
    return {
      decision: 'confirm',
      title: `Switch off ${plug.name}`,
      consequences: [
        `${plug.name} loses power until someone switches it on again`,
        ...(plug.powers.length > 0 ? [`Powers: ${powers} — all go down`] : []),
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
        message: `${lifelineReason(view.on === true ? 'toggling it (it is on)' : 'toggling it while its state is unknown')}`,
        params,
      };
    }
    return {
      decision: 'confirm',
      title: `Toggle ${plug.name}`,
      consequences: [
        view.on === false ? `${plug.name} switches on` : `${plug.name} may switch off and lose power`,
      ],
    };
  }

  // cycle
  const s = seconds ?? plug.cycleSeconds;
  if (view.cycle)
    return {
      decision: 'refuse',
      message: `${plug.name} is already in a power-cycle`,
      params,
    };
  if (view.timer.kind === 'none') {
    if (plug.lifeline)
      return {
        decision: 'refuse',
        code: 'unsupported',
        message: `${lifelineReason('a power-cycle')}: its driver (${plug.driver}${plug.model ? `, ${plug.model}` : ''}) has no device timer to switch it back on, and nothing else could once it is off`,
        params,
      };
    return {
      decision: 'confirm',
      title: `Power-cycle ${plug.name} for ${s} s`,
      consequences: [
        `${plug.name} switches off now; Lifeline switches it back on after ${s} s (this plug has no timer of its own)`,
        ...(plug.powers.length > 0 ? [`Powers: ${powers} — all go down meanwhile`] : []),
      ],
    };
  }
  if (s > view.timer.maxSeconds)
    return {
      decision: 'refuse',
      code: 'bad-args',
      message: `${plug.name}'s timer accepts at most ${view.timer.maxSeconds} s`,
      params,
    };
  if (!plug.lifeline)
    return {
      decision: 'confirm',
      title: `Power-cycle ${plug.name} for ${s} s`,
      consequences: [
        `${plug.name} switches off now and back on by its own timer after ${s} s`,
        ...(plug.powers.length > 0 ? [`Powers: ${powers} — all go down meanwhile`] : []),
      ],
    };
  return {
    decision: 'confirm',
    title: `Power-cycle ${plug.name} (lifeline) for ${s} s`,
    consequences: [
      `Powers: ${powers} — all go down, and home is unreachable until they are back (about ${s + plug.bootSeconds} s)`,
      `${plug.name} switches itself back on after ${s} s with its own timer, set ${TIMER_WORDS[view.timer.kind]}; Lifeline reports success only once the plug has confirmed the timer`,
    ],
    typeToConfirm: plug.name,
  };
}
