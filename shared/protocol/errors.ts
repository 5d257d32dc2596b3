// Errors are values: a stable code for programs and translations, a plain English message,
// and parameters the client's catalogue can fill in (STYLE convention 4). `msg` says the message
// as a catalogue key + parameters (shared/messages/), for clients that render it in their language.
import type { MessageRef } from './message.js';

export const ERROR_CODES = [
  'bad-frame',
  'unknown-action',
  'bad-args',
  'not-found',
  'refused',
  'challenge-invalid',
  'challenge-expired',
  'confirm-text-mismatch',
  'failed',
  'timeout',
  'unreachable',
  'unsupported',
  'rate-limited',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  params?: Record<string, string | number> | undefined;
  msg?: MessageRef | undefined;
}

export class LifelineError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly params?: Record<string, string | number>,
    readonly msg?: MessageRef,
  ) {
    super(message);
    this.name = 'LifelineError';
  }

  toInfo(): ErrorInfo {
    return {
      code: this.code,
      message: this.message,
      ...(this.params ? { params: this.params } : {}),
      ...(this.msg ? { msg: this.msg } : {}),
    };
  }
}

/** Turns anything thrown into an ErrorInfo without leaking stack traces or internals. */
export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof LifelineError) return err.toInfo();
  return { code: 'internal', message: 'internal error' };
}
