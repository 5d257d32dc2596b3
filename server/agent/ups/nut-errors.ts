// upsd's `ERR <code>` replies and connection failures as LifelineErrors, with a plain English
// message that says what to check. params.reason is the stable word a catalogue translates by.
import { type ErrorCode, LifelineError } from '../../../shared/protocol/errors.js';

export interface NutErrorContext {
  /** host:port of the upsd. */
  address: string;
  ups?: string;
  variable?: string;
  username?: string;
  /** The UPS names upsd has, when known (for UNKNOWN-UPS). */
  known?: readonly string[];
}

type Params = Record<string, string | number>;

const fail = (code: ErrorCode, reason: string, message: string, params: Params) =>
  new LifelineError(code, message, { reason, ...params });

/** Maps one `ERR` reply; `nutCode` is the word after ERR, e.g. ACCESS-DENIED. */
export function nutReplyError(nutCode: string, ctx: NutErrorContext): LifelineError {
  const at = `upsd at ${ctx.address}`;
  const ups = ctx.ups ?? '';
  const p: Params = { address: ctx.address, nut: nutCode, ...(ctx.ups ? { ups: ctx.ups } : {}) };
  switch (nutCode) {
    case 'ACCESS-DENIED':
      return fail(
        'refused',
        'access-denied',
        ctx.username
          ? `${at} refused the login of user "${ctx.username}": wrong username or password, or the user lacks "upsmon secondary" in upsd.users`
          : `${at} refused access: set username and password for this UPS`,
        { ...p, ...(ctx.username ? { username: ctx.username } : {}) },
      );
    case 'INVALID-USERNAME':
    case 'INVALID-PASSWORD':
    case 'USERNAME-REQUIRED':
    case 'PASSWORD-REQUIRED':
      return fail(
        'refused',
        'login-required',
        `${at} wants a valid username and password for this (${nutCode})`,
        p,
      );
    case 'UNKNOWN-UPS': {
      const known = [...(ctx.known ?? [])].sort();
      const list = known.length > 0 ? `it has ${known.map((k) => `"${k}"`).join(', ')}` : 'it has none';
      return fail('not-found', 'unknown-ups', `${at} has no UPS named "${ups}": ${list}`, {
        ...p,
        known: known.join(', '),
      });
    }
    case 'VAR-NOT-SUPPORTED':
      return fail(
        'not-found',
        'variable-not-supported',
        `UPS "${ups}" on ${at} does not report ${ctx.variable ?? 'that variable'}`,
        { ...p, ...(ctx.variable ? { variable: ctx.variable } : {}) },
      );
    case 'DATA-STALE':
      return fail(
        'unreachable',
        'data-stale',
        `${at} has only stale data for UPS "${ups}": its driver lost contact with the UPS (check the cable)`,
        p,
      );
    case 'DRIVER-NOT-CONNECTED':
      return fail(
        'unreachable',
        'driver-not-connected',
        `${at} cannot reach the driver of UPS "${ups}": the driver is not running, or ups.conf is wrong`,
        p,
      );
    case 'UNKNOWN-COMMAND':
    case 'INVALID-ARGUMENT':
    case 'FEATURE-NOT-SUPPORTED':
    case 'FEATURE-NOT-CONFIGURED':
      return fail('unsupported', 'unsupported', `${at} does not support this request (${nutCode})`, p);
    default:
      return fail('failed', 'nut-error', `${at} answered ERR ${nutCode}`, p);
  }
}

/** The connection failed, closed or said something that is not NUT. */
export function linkError(
  kind: 'refused' | 'dns' | 'network' | 'closed' | 'timeout' | 'bad-reply' | 'too-long',
  address: string,
  detail?: string,
): LifelineError {
  const at = `upsd at ${address}`;
  const p: Params = { address, ...(detail ? { detail } : {}) };
  switch (kind) {
    case 'refused':
      return fail(
        'unreachable',
        'connection-refused',
        `${at} refused the connection: is upsd running and listening there?`,
        p,
      );
    case 'dns':
      return fail('unreachable', 'unknown-host', `cannot find the host of ${at}`, p);
    case 'network':
      return fail('unreachable', 'network', `cannot reach ${at}${detail ? ` (${detail})` : ''}`, p);
    case 'closed':
      return fail('unreachable', 'closed', `${at} closed the connection`, p);
    case 'timeout':
      return fail('timeout', 'timeout', `${at} did not answer in time${detail ? ` (${detail})` : ''}`, p);
    case 'bad-reply':
      return fail(
        'failed',
        'bad-reply',
        `${at} does not speak the NUT protocol${detail ? `: ${detail}` : ''}`,
        p,
      );
    case 'too-long':
      return fail(
        'failed',
        'too-long',
        `${at} sent a reply longer than any UPS needs${detail ? ` (${detail})` : ''}`,
        p,
      );
  }
}
