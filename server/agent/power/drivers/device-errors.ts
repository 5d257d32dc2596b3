// Why a call to a plug failed, for every driver alike: the common classes (no answer, refused or
// unroutable connection, login refused, a reply that is not the device's) as catalogue messages
// (shared/messages/power.ts), so the phone and ctl say them in their owner's language while the
// error's English message stays as it was for logs and older clients.
import { fail, msg } from '../../../../shared/messages/say.js';
import type { LifelineError } from '../../../../shared/protocol/errors.js';

/** `where` is the device as the owner knows it: an address, or `Shelly 192.168.1.50`. */
export const deviceError = {
  timeout: (where: string): LifelineError => fail('timeout', msg('power.error.timeout', { where })),
  refused: (where: string): LifelineError => fail('unreachable', msg('power.error.refused', { where })),
  noRoute: (where: string): LifelineError => fail('unreachable', msg('power.error.no-route', { where })),
  noName: (where: string): LifelineError => fail('unreachable', msg('power.error.no-name', { where })),
  /** Any other connection failure; `detail` is the system's code (ECONNRESET). */
  connect: (where: string, detail: string): LifelineError =>
    fail('unreachable', msg('power.error.connect', { where, detail })),
  loginNeeded: (where: string): LifelineError => fail('failed', msg('power.error.login-needed', { where })),
  passwordNeeded: (where: string): LifelineError =>
    fail('failed', msg('power.error.password-needed', { where })),
  loginRefused: (where: string): LifelineError => fail('failed', msg('power.error.login-refused', { where })),
  passwordRefused: (where: string): LifelineError =>
    fail('failed', msg('power.error.password-refused', { where })),
  tokenRefused: (where: string): LifelineError => fail('failed', msg('power.error.token-refused', { where })),
  notJson: (where: string): LifelineError => fail('failed', msg('power.error.not-json', { where })),
  /** `detail` says what was wrong with it, in the protocol's own terms (`no "ison"`, `HTTP 500`). */
  unexpected: (where: string, detail: string): LifelineError =>
    fail('failed', msg('power.error.unexpected', { where, detail })),
  /**
   * A system error code (ECONNREFUSED, EHOSTUNREACH, ENOTFOUND…) as its class above; undefined for
   * a code with no class of its own, which each driver words itself.
   */
  ofSystemCode(where: string, code: string | undefined): LifelineError | undefined {
    if (code === 'ECONNREFUSED') return deviceError.refused(where);
    if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return deviceError.noRoute(where);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return deviceError.noName(where);
    return undefined;
  },
};
