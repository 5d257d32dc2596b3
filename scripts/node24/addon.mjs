// Where better-sqlite3's native addon lives for each Node ABI. `npm ci` builds one, for the Node that ran
// it, in build/Release; a second Node (npm run test:node24) gets its own build beside it, named by ABI,
// so one node_modules serves both and neither build overwrites the other. Both go when npm reinstalls
// or rebuilds the package, which is when they would be stale.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const BETTER_SQLITE3 = path.join(REPO, 'node_modules', 'better-sqlite3');
/** The addon npm built, where better-sqlite3's loader looks for it. */
export const NPM_ADDON = path.join(BETTER_SQLITE3, 'build', 'Release', 'better_sqlite3.node');

/** The side build for a Node ABI (process.versions.modules), e.g. build/node-v137/better_sqlite3.node. */
export function abiAddon(modules = process.versions.modules) {
  return path.join(BETTER_SQLITE3, 'build', `node-v${modules}`, 'better_sqlite3.node');
}

/** The addon this Node loads: its side build when there is one, else npm's. */
export function addonForThisNode() {
  const side = abiAddon();
  return existsSync(side) ? side : NPM_ADDON;
}
