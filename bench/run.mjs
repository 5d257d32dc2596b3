#!/usr/bin/env node
// `npm run bench`: runs every benchmark against the built code, prints a table and writes
// bench/results/latest.json. Timing targets live here, never in tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchmarks } from './suites.mjs';

const only = process.argv.slice(2);
const results = [];
for (const b of benchmarks) {
  if (only.length > 0 && !only.some((o) => b.name.includes(o))) continue;
  process.stderr.write(`[bench] ${b.name}…\n`);
  const started = Date.now();
  try {
    const rows = await b.run();
    for (const r of rows) results.push({ suite: b.name, ...r });
  } catch (err) {
    results.push({ suite: b.name, metric: 'error', value: String(err?.message ?? err), unit: '' });
  }
  process.stderr.write(`[bench] ${b.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const width = (k) => Math.max(k.length, ...results.map((r) => String(r[k]).length));
const cols = ['suite', 'metric', 'value', 'unit'];
const line = (r) => cols.map((c) => String(r[c]).padEnd(width(c))).join('  ');
console.log(line(Object.fromEntries(cols.map((c) => [c, c.toUpperCase()]))));
for (const r of results) console.log(line(r));

const dir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(dir, { recursive: true });
const doc = { at: new Date().toISOString(), node: process.version, results };
writeFileSync(`${dir}latest.json`, `${JSON.stringify(doc, null, 2)}\n`);
console.log(`\nwritten: bench/results/latest.json`);
