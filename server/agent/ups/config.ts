// One entry of `ups:` in lifeline.yaml: a UPS behind a upsd (Network UPS Tools), local or remote,
// and the owner's optional rule for a long outage. SPEC §3.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import { LifelineError } from '../../../shared/protocol/errors.js';
import { splitHostPort } from '../../host-port.js';
import type { NutClientOptions } from './nut-client.js';
import { NUT_DEFAULT_PORT } from './nut-wire.js';

const ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;
// ups.conf section names: no spaces, quotes, brackets or '@' (upsname@host is NUT's own notation).
const UPS_NAME = /^[^\s"\\@[\]]{1,64}$/;

const id = v.pipe(v.string(), v.regex(ID, 'a short id: lower-case letters, digits, - or _ (at most 40)'));
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const NO_CONTROL = /^[^\u0000-\u001f\u007f]+$/;
const word = v.pipe(
  v.string(),
  v.minLength(1, 'cannot be empty'),
  v.regex(NO_CONTROL, 'cannot hold control characters'),
);

/** `host`, `host:port`, `[v6]:port` or a bare IPv6 address (port 3493 unless given); undefined when none of these. */
export function parseAddress(address: string): { host: string; port: number } | undefined {
  const at = splitHostPort(address);
  if (!at || !/^[A-Za-z0-9.:_%-]{1,253}$/.test(at.host)) return undefined;
  return { host: at.host, port: at.port ?? NUT_DEFAULT_PORT };
}

export const OnBatteryRuleSchema = v.pipe(
  v.strictObject({
    /** Fire after this long on battery. */
    afterMinutes: v.optional(
      v.pipe(v.number(), v.minValue(0, '0 or more'), v.maxValue(1440, 'at most 1440 (a day)')),
    ),
    /** Fire when the UPS says fewer minutes than this are left. */
    runtimeBelowMinutes: v.optional(
      v.pipe(v.number(), v.gtValue(0, 'more than 0'), v.maxValue(1440, 'at most 1440 (a day)')),
    ),
    /** Containers to stop cleanly (so databases close before the battery dies). */
    stop: v.pipe(v.array(word, 'a list of container names'), v.minLength(1, 'name at least one container')),
  }),
  v.check(
    (r) => r.afterMinutes !== undefined || r.runtimeBelowMinutes !== undefined,
    'needs afterMinutes, runtimeBelowMinutes or both: when should the containers stop?',
  ),
);
export type OnBatteryRule = v.InferOutput<typeof OnBatteryRuleSchema>;

export const UPS_DEFAULT_POLL_SECONDS = 5;

export const UpsEntrySchema = v.pipe(
  v.strictObject({
    id,
    /** Shown in the app; default: the id. */
    label: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(80))),
    address: v.pipe(
      v.string('host or host:port of the upsd, e.g. 127.0.0.1 or nas.lan:3493'),
      v.check(
        (a) => parseAddress(a) !== undefined,
        'host or host:port of the upsd, e.g. 127.0.0.1 or nas.lan:3493',
      ),
    ),
    /** The UPS's name on that upsd: a section of its ups.conf (`upsc -l` lists them). */
    name: v.pipe(
      v.string('the UPS name on that upsd, as `upsc -l` lists it'),
      v.regex(UPS_NAME, 'the UPS name on that upsd, as `upsc -l` lists it (no spaces or @)'),
    ),
    /** A user of upsd.users with `upsmon secondary`, for a upsd that wants a login. */
    username: v.optional(word),
    password: v.optional(word),
    /** A file holding the password (its first line). */
    passwordFile: v.optional(word),
    pollSeconds: v.optional(
      v.pipe(
        v.number(),
        v.integer('whole seconds'),
        v.minValue(1, 'at least 1'),
        v.maxValue(300, 'at most 300'),
      ),
      UPS_DEFAULT_POLL_SECONDS,
    ),
    onBattery: v.optional(OnBatteryRuleSchema),
  }),
  v.forward(
    v.partialCheck(
      [['password'], ['passwordFile']],
      (e) => !(e.password !== undefined && e.passwordFile !== undefined),
      'give password or passwordFile, not both',
    ),
    ['passwordFile'],
  ),
  v.forward(
    v.partialCheck(
      [['username'], ['password'], ['passwordFile']],
      (e) => e.username === undefined || e.password !== undefined || e.passwordFile !== undefined,
      'a username needs its password (password or passwordFile)',
    ),
    ['password'],
  ),
  v.forward(
    v.partialCheck(
      [['username'], ['password'], ['passwordFile']],
      (e) => e.username !== undefined || (e.password === undefined && e.passwordFile === undefined),
      'a password needs its username',
    ),
    ['username'],
  ),
);
export type UpsEntry = v.InferOutput<typeof UpsEntrySchema>;

export const UpsListSchema = v.pipe(
  v.array(UpsEntrySchema),
  v.check((list) => new Set(list.map((u) => u.id)).size === list.length, 'two ups entries share an id'),
  v.check(
    (list) => new Set(list.map((u) => `${u.name}@${endpointKey(u.address)}`)).size === list.length,
    'two ups entries watch the same UPS on the same upsd: every alert would arrive twice',
  ),
);

function endpointKey(address: string): string {
  const a = parseAddress(address);
  return a ? `${a.host.toLowerCase()}:${a.port}` : address;
}

/** The login for an entry, reading passwordFile (relative to `baseDir`) when given. */
export function loginOf(
  entry: UpsEntry,
  baseDir: string,
  read: (file: string) => string = (f) => readFileSync(f, 'utf8'),
): { username: string; password: string } | undefined {
  if (entry.username === undefined) return undefined;
  if (entry.password !== undefined) return { username: entry.username, password: entry.password };
  const file = path.resolve(baseDir, entry.passwordFile!);
  let text: string;
  try {
    text = read(file);
  } catch (err) {
    const why = (err as { code?: string }).code ?? 'unreadable';
    throw new LifelineError('failed', `cannot read the upsd password file ${file} (${why})`, {
      reason: 'password-file',
      file,
    });
  }
  const password = text.split(/\r?\n/)[0] ?? '';
  if (!password)
    throw new LifelineError('failed', `the upsd password file ${file} is empty`, {
      reason: 'password-file',
      file,
    });
  return { username: entry.username, password };
}

/** What a NutClient for this entry needs: the endpoint and, when set, the login. */
export function clientOptionsOf(
  entry: UpsEntry,
  baseDir: string,
  read?: (file: string) => string,
): NutClientOptions {
  const at = parseAddress(entry.address)!;
  const auth = loginOf(entry, baseDir, read);
  return { host: at.host, port: at.port, ...(auth ? { auth } : {}) };
}
