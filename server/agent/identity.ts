// The agent's long-term key, stored as a 0600 JWK file in the data folder. Its fingerprint is the
// home id that devices pin at pairing, so losing this file means re-pairing every device.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  exportPrivateJwk,
  generateIdentity,
  type Identity,
  importPrivateJwk,
} from '../../shared/session/keys.js';
import { ensureDataDir } from '../store/db.js';
import { writeFileDurably } from '../store/durable-file.js';

export const AGENT_KEY_FILE = 'agent-key.json';

export async function loadOrCreateAgentIdentity(
  dataDir: string,
): Promise<{ identity: Identity; created: boolean }> {
  ensureDataDir(dataDir);
  const file = path.join(dataDir, AGENT_KEY_FILE);
  if (existsSync(file)) {
    let jwk: JsonWebKey;
    try {
      jwk = JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey;
    } catch {
      throw new Error(
        `${file} is not valid JSON; restore it from a backup (deleting it means re-pairing every device)`,
      );
    }
    try {
      return { identity: await importPrivateJwk(jwk), created: false };
    } catch {
      throw new Error(`${file} does not hold a P-256 private key`);
    }
  }
  // A database without a key is a home that lost its identity, or a data disk not mounted yet
  // (the empty mount point holds an old database, or the key sits on the missing disk). Making a
  // new key would silently become a new home, and every device would have to pair again.
  if (existsSync(path.join(dataDir, 'lifeline.db')))
    throw new Error(
      `${dataDir} has a database but no ${AGENT_KEY_FILE}: if the data folder is on a disk that is not mounted, mount it; ` +
        'to restore, put the key back from a backup; to start over as a new home (every device pairs again), move lifeline.db away',
    );
  const { pair } = await generateIdentity(true);
  const jwk = await exportPrivateJwk(pair.privateKey);
  // Durably: a key file left empty by a power cut would be a home every device must pair again.
  writeFileDurably(file, `${JSON.stringify(jwk)}\n`, 0o600);
  return { identity: await importPrivateJwk(jwk), created: true };
}
