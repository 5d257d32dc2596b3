// The repository's own import graph, read with the TypeScript parser (static, re-export, dynamic
// and type-only imports alike), for rules about which folder may reach which.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Every .ts/.tsx file under `dir` (relative to the repository), as repository-relative paths. */
export function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const name of readdirSync(abs)) {
      const p = path.join(abs, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(path.relative(ROOT, p));
    }
  };
  walk(path.join(ROOT, dir));
  return out.sort();
}

/** The repository files `file` imports (packages left out); `.js` specifiers resolve to their `.ts`/`.tsx`. */
export function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(path.join(ROOT, file), 'utf8'), true, true);
  const out: string[] = [];
  for (const { fileName } of importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const target = path.relative(ROOT, path.resolve(ROOT, path.dirname(file), fileName));
    const base = target.replace(/\.(js|jsx|ts|tsx)$/, '');
    const found = [`${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts')].find((c) => {
      try {
        return statSync(path.join(ROOT, c)).isFile();
      } catch {
        return false;
      }
    });
    out.push(found ?? target);
  }
  return out;
}

/**
 * The first import chain from `from` that reaches a file under `forbidden`, following imports
 * through every repository file in between; null when there is none.
 */
export function chainInto(from: string, forbidden: string): string[] | null {
  const inside = (f: string) => f.startsWith(`${forbidden}/`);
  const seen = new Set([from]);
  const queue: string[][] = [[from]];
  while (queue.length > 0) {
    const chain = queue.shift()!;
    for (const next of importsOf(chain.at(-1)!)) {
      if (inside(next)) return [...chain, next];
      if (seen.has(next) || !/\.tsx?$/.test(next)) continue;
      seen.add(next);
      queue.push([...chain, next]);
    }
  }
  return null;
}
