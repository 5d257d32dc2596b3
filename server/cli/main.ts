// The `lifeline` command line (SPEC §2). Every failure is one clear line and a non-zero exit.
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version.js';
import { runCheck } from './check.js';
import { ctlAddDevice, ctlDevices, ctlLog, ctlPair, ctlRename, ctlRevoke, ctlStatus } from './ctl/core.js';
import { CliError } from './errors.js';
import { runPair } from './pair.js';
import { runStart } from './start.js';

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('lifeline')
    .description('Phone-first remote control for a homelab that keeps working on the worst day')
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ outputError: (str, write) => write(`lifeline: ${str.replace(/^error: /, '')}`) });

  const configOpt = () => new Option('-c, --config <file>', 'config file').env('LIFELINE_CONFIG');

  program
    .command('start')
    .description('agent + embedded relay in one process; writes a default config on first run')
    .addOption(configOpt())
    .option('-p, --port <port>', 'listen on this port instead of listen.port')
    .action((o) => runStart(o, 'start'));

  program
    .command('agent')
    .description('the agent alone, connecting out to relay.url')
    .addOption(configOpt())
    .option('-p, --port <port>', 'listen on this port instead of listen.port')
    .action((o) => runStart(o, 'agent'));

  program
    .command('relay')
    .description('the relay alone')
    .addOption(new Option('-c, --config <file>', 'relay config file').env('LIFELINE_RELAY_CONFIG'))
    .action(() => {
      throw new CliError('the stand-alone relay is not available in this build; use `lifeline start`');
    });

  program
    .command('pair')
    .description('print a one-time pairing link and QR code (valid 10 minutes, single use)')
    .addOption(configOpt())
    .option('--url <url>', 'base URL to put in the link (default: publicUrl, relay or listen address)')
    .option('--json', 'machine-readable output')
    .action((o) => runPair(o));

  program
    .command('check')
    .description('validate the config and probe every dependency; exit 1 if anything is broken')
    .addOption(configOpt())
    .option('--json', 'machine-readable output')
    .action(async (o) => setExit(await runCheck(o)));

  const ctl = program
    .command('ctl')
    .description('a terminal client that is a paired device, like a phone')
    .option('--profile <name>', 'which pairing to use', 'default')
    .option('--url <url>', 'reach the home at this URL (agent or relay) instead of the paired one')
    .option('--json', 'machine-readable output');
  const g = () => ctl.opts() as { profile: string; url?: string; json?: boolean };

  ctl
    .command('pair <link>')
    .description('pair this terminal using a link from `lifeline pair`')
    .option('--name <name>', 'how this device is listed')
    .action((link: string, o: { name?: string }) => ctlPair(link, { ...g(), ...o }));
  ctl
    .command('status')
    .description("the agent's facts: version, uptime, host boot, connection path")
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => ctlStatus({ ...g(), ...o }));
  ctl
    .command('devices')
    .description('list paired devices')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => ctlDevices({ ...g(), ...o }));
  ctl
    .command('revoke <device>')
    .description('revoke a paired device (id or prefix); its sessions end at once')
    .option('-y, --yes', 'answer the confirmation')
    .option('--json', 'machine-readable output')
    .action((device: string, o: { yes?: boolean; json?: boolean }) => ctlRevoke(device, { ...g(), ...o }));
  ctl
    .command('rename <device> <name>')
    .description('rename a paired device')
    .action((device: string, name: string) => ctlRename(device, name, g()));
  ctl
    .command('add-device')
    .description('make a pairing link for another device')
    .option('-y, --yes', 'answer the confirmation')
    .option('--json', 'machine-readable output')
    .action((o: { yes?: boolean; json?: boolean }) => ctlAddDevice({ ...g(), ...o }));
  ctl
    .command('log')
    .description('the activity timeline: commands and events')
    .option('-n, --limit <n>', 'how many entries', '50')
    .option('--json', 'machine-readable output')
    .action((o: { limit?: string; json?: boolean }) => ctlLog({ ...g(), ...o }));

  for (const cmd of [program, ...program.commands, ...ctl.commands]) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version arrive here too, with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CliError) {
      process.stderr.write(`lifeline: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as NodeJS.ErrnoException;
    const message =
      e?.code === 'EADDRINUSE'
        ? 'the listen port is already in use (another agent running?)'
        : e?.code === 'EACCES'
          ? `permission denied${e.path ? `: ${e.path}` : ''}`
          : (e?.message ?? String(err));
    process.stderr.write(`lifeline: ${message}\n`);
    if (process.env.LIFELINE_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    return 1;
  }
}
