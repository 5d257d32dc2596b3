// ctl's identity as a paired device: its private key and the agent key it pinned, in a 0600 file.
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromBase64Url } from '../../../shared/bytes.js';
import { type Identity, importPrivateJwk } from '../../../shared/session/keys.js';
import { makeDirs } from '../../store/make-dirs.js';
import { CliError } from '../errors.js';

export interface CtlProfile {
  homeId: string;
  agentKey: string;
  url: string;
  /** A standby relay's base (from the pairing link): tried when `url` cannot reach home. */
  standby?: string;
  deviceId: string;
  deviceName: string;
  privateKey: JsonWebKey;
  pairedAt: number;
  /** The admission-pass key from home's last welcome: proves in each hello that this is a paired device. */
  pass?: string;
}

export function profileDir(): string {
  return (
    process.env.LIFELINE_CTL_HOME ??
    path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'lifeline')
  );
}

export function profileFile(name: string): string {
  if (!/^[a-zA-Z0-9_-]{1,40}$/.test(name)) throw new CliError(`invalid profile name "${name}"`, 2);
  return path.join(profileDir(), `${name}.json`);
}

export function saveProfile(name: string, profile: CtlProfile): string {
  const file = profileFile(name);
  makeDirs(path.dirname(file), 0o700);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(profile, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}

export async function loadProfile(
  name: string,
): Promise<{ profile: CtlProfile; identity: Identity; agentKey: Uint8Array }> {
  const file = profileFile(name);
  if (!existsSync(file))
    throw new CliError(`not paired yet (no ${file}); run \`lifeline ctl pair <link>\` first`);
  let profile: CtlProfile;
  try {
    profile = JSON.parse(readFileSync(file, 'utf8')) as CtlProfile;
  } catch {
    throw new CliError(`${file} is not valid JSON; pair again`);
  }
  try {
    return {
      profile,
      identity: await importPrivateJwk(profile.privateKey),
      agentKey: fromBase64Url(profile.agentKey),
    };
  } catch {
    throw new CliError(`${file} does not hold a usable key; pair again`);
  }
}
