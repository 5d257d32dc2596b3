// bin/lifeline.js, but running the compiler's output (dist/server, one file per module) instead of
// the bundle the executable runs (dist/lifeline, scripts/bundle-server.mjs): the idle benchmark
// measures what the bundle is worth.
const { main } = await import(new URL('../dist/server/cli/main.js', import.meta.url).href);
const code = await main(process.argv.slice(2));
if (code !== 0) process.exit(code);
