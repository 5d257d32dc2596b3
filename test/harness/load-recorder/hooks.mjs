// Module hooks (they run on the loader's own thread): every module load, ESM or CommonJS required
// from ESM, appends its URL. CommonJS files required from CommonJS do not pass through here; the
// packages this checks are entered from ESM, so their entry file is what shows.
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data.file;
}

export async function load(url, context, next) {
  if (file) appendFileSync(file, `${url}\n`);
  return next(url, context);
}
