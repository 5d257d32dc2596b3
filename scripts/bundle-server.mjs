// The `lifeline` executable as it runs: the compiled server (dist/server, dist/shared) bundled into
// dist/lifeline/ by rolldown (the bundler vite already uses), minified, with our two pure-JS
// libraries (valibot, commander) inside. The web stack (fastify and its plugins, ws, yaml, SQLite)
// and the libraries only some homes need (MQTT, Kasa, web-push, pg, ...) stay packages in
// node_modules, loaded as they are by any node program.
//
// Why (issue 12, measured by bench/idle.mjs): V8 holds every loaded module's source, scope data and
// module record for the life of the process. 195 separate modules, with comments and long names,
// cost the idle agent with the big home 2-3 MiB over the same code bundled and minified: 74.5 -> 72.3
// and 75.2 -> 72.2 MiB in two runs, against stack floors of 63.7 and 62.8 MiB (docs/architecture.md).
//
// Each command still loads only what it uses: every `await import()` in the sources becomes a chunk
// of its own, loaded when that import runs, so `lifeline --help` loads no agent and a plug brand's
// driver loads only when configured. dist/lifeline/modules.json lists the modules in each chunk
// (repository-relative: dist/server/..., node_modules/...), so a test can still say which modules a
// command loaded (test/server/cli/what-loads.test.ts). Source maps sit beside the chunks, for
// `node --enable-source-maps bin/lifeline.js ...` when a stack trace needs reading.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, 'dist/lifeline');
/** Packages bundled with our code: pure JavaScript, no files read at run time, no native parts. */
const INSIDE = ['valibot', 'commander'];

const isInside = (id) => INSIDE.some((p) => id === p || id.startsWith(`${p}/`));

// valibot 1.5 gives every schema, as it is built, the Standard Schema interface (`~standard`: an
// object and a closure), for libraries that take any validator. Nothing in the server reads it, and
// the agent builds ~1400 schemas at start (the wire vocabulary, the config): ~0.17 MiB of heap for
// good. In the bundle the function that attaches it returns the schema as it is; the build stops if
// valibot's function is not the one expected (a new valibot: look again).
const STANDARD_SCHEMA =
  /function _standardSchema\(schema\) \{\n\tschema\["~standard"\] = \{\n(?:\t\t[^\n]*\n){3}\t\};\n\treturn schema;\n\}/;
const withoutStandardSchema = {
  name: 'lifeline:valibot-without-standard-schema',
  transform(code, id) {
    if (!/[\\/]node_modules[\\/]valibot[\\/]dist[\\/]index\.mjs$/.test(id)) return null;
    if (!STANDARD_SCHEMA.test(code))
      throw new Error(`bundle-server: valibot's _standardSchema changed (${id})`);
    // As many lines as before, so the source map of the rest of valibot stays true.
    const body = (match) =>
      `function _standardSchema(schema) {${'\n'.repeat(match.split('\n').length - 2)}\treturn schema;\n}`;
    return { code: code.replace(STANDARD_SCHEMA, body), map: null };
  },
};

rmSync(out, { recursive: true, force: true });
const bundle = await rolldown({
  input: { main: path.join(root, 'dist/server/cli/main.js') },
  platform: 'node',
  // A bare specifier is a package: left to node unless it is one of ours to bundle.
  external: (id) => id.startsWith('node:') || (!/^[./]/.test(id) && !isInside(id)),
  logLevel: 'warn',
  plugins: [withoutStandardSchema],
});
const { output } = await bundle.write({
  dir: out,
  format: 'esm',
  minify: true,
  // Class and function names stay as written: errors and logs name what they are.
  keepNames: true,
  // Non-ASCII characters escaped (\u2014), so V8 holds each chunk's source as a one-byte string, not a
  // two-byte one: the Chinese catalogues and every "—" or "…" made whole chunks twice their size.
  charset: 'ascii',
  sourcemap: true,
});
await bundle.close();

const modules = {};
for (const o of output)
  if (o.type === 'chunk')
    modules[o.fileName] = o.moduleIds
      .filter((id) => path.isAbsolute(id))
      .map((id) => path.relative(root, id).split(path.sep).join('/'));
writeFileSync(path.join(out, 'modules.json'), `${JSON.stringify(modules, null, 1)}\n`);
const chunks = Object.keys(modules).length;
const files = Object.values(modules).reduce((n, m) => n + m.length, 0);
process.stdout.write(`bundled ${files} modules into ${chunks} chunks in dist/lifeline/\n`);
