// A token given inline (usually as ${ENV}) or in a file (Docker/systemd secrets), read when needed so
// a rotated file needs no restart.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LifelineError } from '../../shared/protocol/errors.js';

export function readToken(inline: string | undefined, file: string | undefined, what: string): string {
  if (inline) return inline;
  if (!file) throw new LifelineError('failed', `${what}: no token configured`);
  try {
    const text = readFileSync(path.resolve(file), 'utf8').trim();
    if (!text) throw new Error('empty');
    return text;
  } catch {
    throw new LifelineError('failed', `${what}: cannot read the token file ${file}`);
  }
}
