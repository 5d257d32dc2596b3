// Runs a command and, when the agent answers confirm-required, shows the confirm sheet and sends
// the one-time challenge back. The agent decides; this only carries the user's answer.
import { effect, signal } from '@preact/signals';
import type { CommandOutcome, RunOptions } from '../../shared/client/agent-client.js';
import type { ActionSpec, CallOf, ResultOf } from '../../shared/protocol/action.js';
import { type Confirmation, sameName } from '../../shared/protocol/frames.js';
import type { PasskeyRequest } from '../../shared/protocol/passkeys.js';
import { agentStartedAt, cancelConfirmation, run } from './connection.js';

export interface PendingConfirm {
  confirm: Confirmation;
  answer: (text: string | null) => void;
}

export const pendingConfirm = signal<PendingConfirm | null>(null);

export async function runAction<S extends ActionSpec>(
  spec: S,
  call: CallOf<S>,
  opts: Pick<RunOptions, 'onProgress'> = {},
): Promise<CommandOutcome<ResultOf<S>>> {
  const first = await run(spec, call, opts);
  if (first.status !== 'confirm') return first;
  // Home restarting while the sheet is open takes the challenge with it: the sheet closes and says
  // so, rather than wait for a hold that can only be refused.
  const askedOf = agentStartedAt.value;
  let restarted = false;
  let stopWatching = () => {};
  const text = await new Promise<string | null>((answer) => {
    pendingConfirm.value = { confirm: first.confirm, answer };
    stopWatching = effect(() => {
      const now = agentStartedAt.value;
      if (askedOf === null || now === null || now === askedOf) return;
      restarted = true;
      answer(null);
    });
  });
  stopWatching();
  pendingConfirm.value = null;
  if (restarted)
    return {
      status: 'error',
      error: {
        code: 'challenge-invalid',
        message: 'this confirmation is no longer valid (home restarted since); ask again',
        msg: { key: 'guard.challenge-invalid' },
      },
    };
  if (text === null) {
    cancelConfirmation(first.confirm.challenge);
    return { status: 'error', error: { code: 'refused', message: 'cancelled' } };
  }
  let passkey: Record<string, unknown> | undefined;
  if (first.confirm.passkey) {
    // The owner wants a fresh passkey check: the authenticator signs the guard's own challenge.
    try {
      passkey = await passkeyAssertion(first.confirm.challenge, first.confirm.passkey);
    } catch (err) {
      // The prompt was dismissed or the authenticator said no: the app gives this request up, so
      // home hears it (Activity: cancelled), rather than waiting for it to expire.
      cancelConfirmation(first.confirm.challenge);
      return { status: 'error', error: { code: 'refused', message: (err as Error).message || 'cancelled' } };
    }
  }
  const answered = await run(spec, call, {
    ...opts,
    confirm: {
      challenge: first.confirm.challenge,
      ...(first.confirm.typeToConfirm !== undefined ? { text } : {}),
      ...(passkey ? { passkey } : {}),
    },
  });
  // Home refused the passkey and keeps the challenge for a retry, which the app does not make: the
  // user starts again from the button. Give it up now, so the request ends as cancelled.
  if (answered.status === 'error' && answered.error.msg?.key.startsWith('passkeys.'))
    cancelConfirmation(first.confirm.challenge);
  return answered;
}

/**
 * A confirmation the app asks for itself, when there is nothing at home to ask (forgetting home
 * while it is unreachable): the same sheet, no challenge. True only when the user confirmed, with
 * the name typed when one is asked for.
 */
export async function confirmLocally(
  c: Pick<Confirmation, 'title' | 'consequences' | 'typeToConfirm'>,
  ttlMs = 60_000,
): Promise<boolean> {
  const text = await new Promise<string | null>((answer) => {
    pendingConfirm.value = { confirm: { challenge: '', expiresAt: Date.now() + ttlMs, ...c }, answer };
  });
  pendingConfirm.value = null;
  if (text === null) return false;
  return c.typeToConfirm === undefined || sameName(text, c.typeToConfirm);
}

async function passkeyAssertion(
  challenge: string,
  request: PasskeyRequest,
): Promise<Record<string, unknown>> {
  const { startAuthentication } = await import('@simplewebauthn/browser');
  const response = await startAuthentication({
    optionsJSON: {
      challenge,
      rpId: request.rpId,
      allowCredentials: request.allow.map((id) => ({ id, type: 'public-key' })),
      userVerification: 'required',
      timeout: 60_000,
    },
  });
  return response as unknown as Record<string, unknown>;
}
