// What went wrong with a command, in the user's language. "Home is not reachable" only when the
// app itself could not reach home: a plug or engine that home could not reach is home's own
// report, and saying "home" then would send the owner after the wrong thing on a bad day.
import type { ErrorInfo } from '../../shared/protocol/errors.js';
import { canSay, say, t, tMaybe } from './i18n/index.js';

/** The message of a command that never reached home (no session, or it dropped meanwhile). */
export const NO_HOME_MESSAGE = 'home is not reachable right now';

export function errorText(e: ErrorInfo): string {
  if (e.code === 'unreachable' && e.message === NO_HOME_MESSAGE) return t('error.unreachable');
  if (canSay(e.msg)) return say(e.msg, e.message);
  // Home's own words about a device it could not reach.
  if (e.code === 'unreachable') return e.message;
  return tMaybe(`error.${e.code}`, e.message, { message: e.message });
}
