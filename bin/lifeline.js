#!/usr/bin/env node
// Entry point. `npm run build` compiles the TypeScript sources to dist/ and bundles the server into
// dist/lifeline/ (scripts/bundle-server.mjs), which is what runs.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/lifeline/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('lifeline: not built yet; run `npm run build` (or `npm start`) first\n');
  process.exit(1);
}
const { main } = await import(entry.href);
const args = process.argv.slice(2);
const code = await main(args);
const longRunning =
  ['start', 'agent', 'relay'].includes(args[0] ?? '') && !args.includes('--help') && !args.includes('-h');
if (code !== 0 || !longRunning) {
  process.exitCode = code;
  // Short commands end when their work is done; a socket still closing must not hold the shell.
  setTimeout(() => process.exit(code), 300).unref();
}
