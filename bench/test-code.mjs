// Benchmarks reuse the tests' simulators and harness (TypeScript with node built-ins only):
// transpiled once into dist/bench-sim, then imported.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = path.join(root, 'dist/bench-sim');
let done = false;

function transpile(from, to) {
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from).filter((n) => n.endsWith('.ts'))) {
    const js = ts.transpileModule(readFileSync(path.join(from, f), 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: false,
      },
    });
    writeFileSync(path.join(to, f.replace(/\.ts$/, '.js')), js.outputText);
  }
}

/** Imports `test/<dir>/<name>.ts` (dir: simulators or harness). */
export async function loadTestModule(dir, name) {
  if (!done) {
    transpile(path.join(root, 'test/simulators'), path.join(out, 'simulators'));
    transpile(path.join(root, 'test/harness'), path.join(out, 'harness'));
    done = true;
  }
  return import(pathToFileURL(path.join(out, dir, `${name}.js`)).href);
}
