// Loaded with `--import` (through NODE_OPTIONS, so every node the tests start has it too) when the suite
// runs on a second Node: better-sqlite3 asks for build/Release/better_sqlite3.node, built for the Node
// that ran `npm ci`; this hands it the build for the running Node's ABI instead (see addon.mjs).
import { existsSync } from 'node:fs';
import module from 'node:module';
import { pathToFileURL } from 'node:url';
import { abiAddon, NPM_ADDON } from './addon.mjs';

if (!module.registerHooks)
  throw new Error(
    `scripts/node24/hook.mjs needs module.registerHooks (Node ≥ 22.15), not ${process.version}`,
  );

const from = pathToFileURL(NPM_ADDON).href;
const side = abiAddon();
if (existsSync(side)) {
  const to = pathToFileURL(side).href;
  module.registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      return resolved.url === from ? { ...resolved, url: to } : resolved;
    },
  });
}
