// Runs a command and, when the agent answers confirm-required, shows the confirm sheet and sends
// the one-time challenge back. The agent decides; this only carries the user's answer.
import { signal } from '@preact/signals';
import type { CommandOptions, CommandOutcome } from '../../shared/client/agent-client.js';
import type { Confirmation } from '../../shared/protocol/frames.js';
import { command } from './connection.js';

export interface PendingConfirm {
  confirm: Confirmation;
  answer: (text: string | null) => void;
}

export const pendingConfirm = signal<PendingConfirm | null>(null);

export async function runAction(action: string, opts: CommandOptions = {}): Promise<CommandOutcome> {
  const first = await command(action, opts);
  if (first.status !== 'confirm') return first;
  const text = await new Promise<string | null>((answer) => {
    pendingConfirm.value = { confirm: first.confirm, answer };
  });
  pendingConfirm.value = null;
  if (text === null) return { status: 'error', error: { code: 'refused', message: 'cancelled' } };
  return command(action, {
    ...opts,
    confirm: {
      challenge: first.confirm.challenge,
      ...(first.confirm.typeToConfirm !== undefined ? { text } : {}),
    },
  });
}
