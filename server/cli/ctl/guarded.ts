// Runs a command through the guard from the terminal: when the agent answers confirm-required,
// show what will happen and ask (or take --yes), then send the one-time challenge back.
import { createInterface } from 'node:readline/promises';
import type { AgentClient, CommandOutcome } from '../../../shared/client/agent-client.js';
import { say } from '../../../shared/messages/say.js';
import type { ActionSpec, CallOf, ResultOf } from '../../../shared/protocol/action.js';
import { type Confirmation, type ProgressFrame, sameName } from '../../../shared/protocol/frames.js';
import { SessionError } from '../../../shared/session/errors.js';
import { CliError } from '../errors.js';
import { terminalLang } from '../format.js';

export interface GuardedOptions {
  yes?: boolean;
  /** The exact text a typed confirmation needs (a lifeline plug's name). */
  confirmText?: string;
  json?: boolean;
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

export async function runGuarded<S extends ActionSpec>(
  client: AgentClient,
  spec: S,
  call: CallOf<S>,
  opts: GuardedOptions,
  onProgress?: (p: ProgressFrame) => void,
): Promise<ResultOf<S>> {
  const first = await client.run(spec, call, { onProgress });
  const outcome =
    first.status === 'confirm' ? await confirmAndSend(client, spec, call, first, opts, onProgress) : first;
  if (outcome.status === 'error') {
    const message = say(outcome.error.msg ?? outcome.error.message, terminalLang());
    throw new CliError(opts.json ? message : `${message} (${outcome.error.code})`, 1, outcome.error.code);
  }
  if (outcome.status === 'confirm')
    throw new CliError('the agent asked for a second confirmation; try again');
  return outcome.data;
}

async function confirmAndSend<S extends ActionSpec>(
  client: AgentClient,
  spec: S,
  call: CallOf<S>,
  first: Extract<CommandOutcome, { status: 'confirm' }>,
  opts: GuardedOptions,
  onProgress?: (p: ProgressFrame) => void,
): Promise<CommandOutcome<ResultOf<S>>> {
  const { confirm } = first;
  const say = (line: string) => process.stderr.write(`${line}\n`);
  if (!opts.json) {
    say(confirm.title);
    for (const c of confirm.consequences) say(`  • ${c}`);
  }
  let text: string | undefined;
  try {
    text = await answerOf(confirm, opts);
  } catch (err) {
    // Not confirmed (declined, Ctrl-C, no terminal to ask): withdraw the request, so the audit says
    // cancelled rather than "not confirmed in time". Best effort: a cancel never fails the command.
    await client.cancel(confirm.challenge);
    if ((err as Error)?.name === 'AbortError') throw new CliError('not confirmed (Ctrl-C); nothing was done');
    throw err;
  }
  let answered: CommandOutcome<ResultOf<S>>;
  try {
    answered = await client.run(spec, call, {
      confirm: { challenge: confirm.challenge, ...(text !== undefined ? { text } : {}) },
      onProgress,
    });
  } catch (err) {
    // The session ended while the user was asked (home restarted, the network dropped): the
    // challenge is gone with it or will expire; say so plainly.
    if (err instanceof SessionError && err.code === 'closed')
      throw new CliError(
        'the connection to home closed while you were asked (did home restart?); nothing was done, run the command again',
      );
    throw err;
  }
  // A wrong name leaves the request open for a corrected try, which ctl does not make: withdraw it.
  if (answered.status === 'error' && answered.error.code === 'confirm-text-mismatch')
    await client.cancel(confirm.challenge);
  return answered;
}

/** The user's answer: the typed name where one is needed, else nothing; throws when not confirmed. */
async function answerOf(confirm: Confirmation, opts: GuardedOptions): Promise<string | undefined> {
  let text: string | undefined;
  if (confirm.typeToConfirm !== undefined) {
    if (opts.confirmText !== undefined) text = opts.confirmText;
    else if (process.stdin.isTTY) text = (await ask(`Type "${confirm.typeToConfirm}" to confirm: `)).trim();
    else
      throw new CliError(
        `confirmation required: re-run with --yes --confirm-text "${confirm.typeToConfirm}"`,
      );
    // The guard's own rule (letter case and outer spaces aside), so ctl never refuses what home accepts.
    if (!opts.yes && !sameName(text, confirm.typeToConfirm))
      throw new CliError(`that is not "${confirm.typeToConfirm}"; nothing was done`);
  } else if (!opts.yes) {
    if (!process.stdin.isTTY) throw new CliError('confirmation required: re-run with --yes');
    const answer = (await ask('Proceed? [y/N] ')).trim().toLowerCase();
    if (answer !== 'y' && answer !== 'yes') throw new CliError('not confirmed; nothing was done');
  }
  return text;
}
