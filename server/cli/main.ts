// The `lifeline` command line (SPEC §2). Every failure is one clear line and a non-zero exit.
// Each command loads its code when it runs, so `lifeline --help` or one `ctl` command starts fast.
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { VERSION } from '../version.js';
import type { CtlRegistrar } from './ctl/commands.js';
import type { CtlGlobalOptions } from './ctl/session.js';
import { CliError } from './errors.js';

/** A port given on the command line: a whole number in range (0 = any free port, where that makes sense). */
function portArg(min: 0 | 1) {
  return (value: string) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > 65535)
      throw new InvalidArgumentError(`a port number from ${min} to 65535`);
    return value;
  };
}

/** A base URL for links a phone opens: http(s) only. */
function baseUrlArg(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('a URL such as https://home.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InvalidArgumentError('an http:// or https:// URL');
  return value;
}

const listenPortOpt = () =>
  new Option('-p, --port <port>', 'listen on this port instead of listen.port').argParser(portArg(0));

function buildProgram(setExit: (code: number) => void, ctlCommands: readonly CtlRegistrar[]): Command {
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
    .addOption(listenPortOpt())
    .action(async (o) => (await import('./start.js')).runStart(o, 'start'));

  program
    .command('agent')
    .description('the agent alone, connecting out to relay.url')
    .addOption(configOpt())
    .addOption(listenPortOpt())
    .action(async (o) => (await import('./start.js')).runStart(o, 'agent'));

  program
    .command('relay')
    .description('the relay alone')
    .addOption(
      new Option('-c, --config <file>', 'relay config file (default relay.yaml)').env(
        'LIFELINE_RELAY_CONFIG',
      ),
    )
    .addOption(listenPortOpt())
    .option('--vapid-keys', "print this relay's VAPID keys, for a standby relay's relay.yaml, and exit")
    .action(async (o) => (await import('./relay.js')).runRelay(o));

  program
    .command('pair')
    .description('print a one-time pairing link and QR code (valid 10 minutes, single use)')
    .addOption(configOpt())
    .addOption(
      new Option(
        '--url <url>',
        'base URL to put in the link (default: publicUrl, relay or listen address)',
      ).argParser(baseUrlArg),
    )
    .addOption(
      new Option(
        '-p, --port <port>',
        'the port the agent listens on (default: the running agent’s)',
      ).argParser(portArg(1)),
    )
    .option('--json', 'machine-readable output')
    .action(async (o) => (await import('./pair.js')).runPair(o));

  program
    .command('check')
    .description('validate the config and probe every dependency; exit 1 if anything is broken')
    .addOption(configOpt())
    .option('--json', 'machine-readable output')
    .action(async (o) => setExit(await (await import('./check.js')).runCheck(o)));

  const ctl = program
    .command('ctl')
    .description('a terminal client that is a paired device, like a phone')
    .option('--profile <name>', 'which pairing to use', 'default')
    .option('--url <url>', 'reach the home at this URL (agent or relay) instead of the paired one')
    .option('--json', 'machine-readable output');
  const g = () => ctl.opts() as CtlGlobalOptions;

  for (const register of ctlCommands) register(ctl, g);

  for (const cmd of [program, ...program.commands, ...ctl.commands]) cmd.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  // ctl's subcommands (every capability's client side) load only for `ctl`: a running agent keeps
  // what it loads for good.
  const ctlCommands = argv.includes('ctl') ? (await import('./ctl/commands.js')).CTL_COMMANDS : [];
  const program = buildProgram((code) => {
    exitCode = code;
  }, ctlCommands);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version arrive here too, with exit code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof CliError) {
      // Under --json a script reads the failure where it reads the answer: one JSON line on stdout.
      if (argv.includes('--json'))
        process.stdout.write(
          `${JSON.stringify({ ok: false, error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) }, exitCode: err.exitCode })}\n`,
        );
      else process.stderr.write(`lifeline: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as NodeJS.ErrnoException;
    const port = (e as { port?: number })?.port;
    const message =
      e?.code === 'EADDRINUSE'
        ? `${port ? `port ${port}` : 'the listen port'} is already in use (another Lifeline running?)`
        : e?.code === 'EACCES'
          ? `permission denied${e.path ? `: ${e.path}` : ''}`
          : (e?.message ?? String(err));
    process.stderr.write(`lifeline: ${message}\n`);
    if (process.env.LIFELINE_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    return 1;
  }
}
