// ctl for power (smart plugs): `ctl power` lists them; `ctl power <id> on|off|cycle|toggle` goes
// through the guard like every other path (confirmation prompt, --yes, --confirm-text for a
// lifeline's name). `plug` and `plugs` are the earlier names, still accepted.

import type { Command } from 'commander';
import type { AgentClient } from '../../../shared/client/agent-client.js';
import { say } from '../../../shared/messages/say.js';
import {
  currentWatts,
  type PlugInfo,
  PowerCycle,
  PowerOff,
  PowerOn,
  PowerToggle,
} from '../../../shared/protocol/power.js';
import type { CtlRegistrar } from '../../cli/ctl/commands.js';
import { type GuardedOptions, runGuarded } from '../../cli/ctl/guarded.js';
import { type CtlGlobalOptions, printJson, withSession } from '../../cli/ctl/session.js';
import { CliError } from '../../cli/errors.js';
import { clockTime, table, terminalLang } from '../../cli/format.js';

const SPECS = { on: PowerOn, off: PowerOff, cycle: PowerCycle, toggle: PowerToggle } as const;
type Verb = keyof typeof SPECS;
const isVerb = (verb: string): verb is Verb => Object.hasOwn(SPECS, verb);

function stateText(p: PlugInfo): string {
  if (p.cycle) return `power-cycling, back ~${clockTime(p.cycle.endsAt).slice(11)}`;
  // The reason in the terminal's language, as ctl's error lines are (`ctl power x on`).
  if (!p.online)
    return `offline${p.problem ? `: ${say(p.problem.msg ?? p.problem.message, terminalLang())}` : ''}`;
  return p.on === null ? 'unknown' : p.on ? 'on' : 'off';
}

function drawText(p: PlugInfo): string {
  const watts = currentWatts(p);
  return watts !== undefined ? `${watts} W` : '—';
}

const timerText = (p: PlugInfo) =>
  p.timer.kind === 'none' ? 'none' : `${p.timer.kind} (≤ ${p.timer.maxSeconds} s)`;

export async function ctlPlugs(opts: CtlGlobalOptions): Promise<void> {
  await withSession(opts, async (client) => {
    const plugs = client.list('power').sort((a, b) => a.id.localeCompare(b.id));
    if (opts.json) return printJson(plugs.map((p) => ({ id: p.id, ...p.data })));
    if (plugs.length === 0)
      return void process.stdout.write('No plugs configured (power: in lifeline.yaml).\n');
    const rows = [['ID', 'NAME', 'STATE', 'POWER', 'LIFELINE', 'DEVICE TIMER']];
    for (const { id, data: p } of plugs)
      rows.push([
        id,
        p.name,
        stateText(p),
        drawText(p),
        p.lifeline ? `yes: ${p.powers.join(', ')}` : 'no',
        timerText(p),
      ]);
    process.stdout.write(`${table(rows)}\n`);
  });
}

/** A plug by id, or by its name (any letter case) when that is unambiguous. */
function plugId(client: AgentClient, wanted: string): string {
  const plugs = client.list('power');
  if (plugs.some((p) => p.id === wanted)) return wanted;
  const byName = plugs.filter((p) => p.data.name.toLowerCase() === wanted.toLowerCase());
  if (byName.length === 1) return byName[0]!.id;
  const known = plugs.map((p) => `${p.id} (${p.data.name})`).join(', ') || 'none configured';
  throw new CliError(`no plug "${wanted}" (plugs: ${known})`, 1, 'not-found');
}

export async function ctlPlug(
  id: string,
  verb: string,
  opts: CtlGlobalOptions & GuardedOptions & { seconds?: string },
): Promise<void> {
  if (!isVerb(verb)) throw new CliError(`unknown plug action "${verb}": use on, off, cycle or toggle`, 2);
  let seconds: number | undefined;
  if (opts.seconds !== undefined) {
    seconds = Number(opts.seconds);
    if (verb !== 'cycle') throw new CliError('--seconds only goes with cycle', 2);
    if (!Number.isInteger(seconds) || seconds < 5 || seconds > 3600)
      throw new CliError('--seconds must be a whole number from 5 to 3600', 2);
  }
  await withSession(opts, async (client) => {
    id = plugId(client, id);
    const name = client.get('power', id)?.name ?? id;
    if (verb === 'cycle') {
      const data = await runGuarded(
        client,
        PowerCycle,
        { target: id, args: seconds !== undefined ? { seconds } : {} },
        opts,
      );
      if (opts.json) return printJson(data);
      const by = data.by === 'device' ? 'its own timer switches it back on' : 'Lifeline switches it back on';
      process.stdout.write(
        `${name}: power-cycle started; ${by} at ${clockTime(data.endsAt)}.\nExpect everything it powers back by ${clockTime(data.expectBackAt)}.\n`,
      );
      return;
    }
    const data = await runGuarded(client, SPECS[verb], { target: id }, opts);
    if (opts.json) return printJson(data);
    process.stdout.write(`${name} is ${data.on ? 'on' : 'off'}.\n`);
  });
}

export const registerPower: CtlRegistrar = (ctl: Command, g: () => CtlGlobalOptions) => {
  ctl
    .command('power [id] [action]')
    .aliases(['plug', 'plugs'])
    .description(
      'list smart plugs (state, power, lifeline, device timer), or switch one: on | off | cycle | toggle (off and cycle ask for confirmation)',
    )
    .option('-y, --yes', 'answer the confirmation')
    .option('--confirm-text <name>', "the exact name a lifeline plug's power-cycle asks you to type")
    .option('--seconds <n>', "off time for cycle (default: the plug's cycleSeconds)")
    .option('--json', 'machine-readable output')
    .action(
      (
        id: string | undefined,
        action: string | undefined,
        o: GuardedOptions & { seconds?: string; json?: boolean },
      ) => {
        if (id === undefined) return ctlPlugs({ ...g(), ...o });
        if (action === undefined)
          throw new CliError(
            `what should ${id} do? use on, off, cycle or toggle (e.g. \`ctl power ${id} on\`)`,
            2,
          );
        return ctlPlug(id, action, { ...g(), ...o });
      },
    );
};
