// One folder per capability, composed only by the registries. A capability's folder imports its
// own files, the agent's core, the server's shared plumbing and shared/ — never another
// capability's folder; and nothing outside it imports it except the registries. So adding a
// capability or a plug brand touches its own folder and one line in a registry. (The wall between
// agent and relay is import-walls.test.ts.)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER_CAPS = ['machines', 'containers', 'power', 'network', 'host', 'ups'];
/** The agent's own pieces: they are wired by agent.ts, not by the capability registry. */
const SERVER_CORE = ['devices', 'activity', 'notify', 'relay-link', 'status'];
const CLIENT_CAPS = ['machines', 'containers', 'power', 'network', 'host', 'ups'];

/** Files allowed to import capability folders: the registries and the composition roots. */
const REGISTRIES = new Set([
  'server/agent/capabilities.ts',
  'server/config/schema.ts',
  'server/cli/ctl/commands.ts',
  'client/src/capabilities.ts',
]);

function files(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  let out: string[] = [];
  for (const name of readdirSync(abs)) {
    const rel = path.join(dir, name);
    if (statSync(path.join(ROOT, rel)).isDirectory()) out = out.concat(files(rel));
    else if (/\.(ts|tsx)$/.test(name)) out.push(rel);
  }
  return out;
}

/** Every relative import of a file, resolved to a repository path (type-only imports included). */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specs.map((s) => path.normalize(path.join(path.dirname(file), s)).replace(/\.js$/, '.ts'));
}

const folderOf = (file: string, base: string, names: readonly string[]) => {
  if (!file.startsWith(`${base}/`)) return undefined;
  const first = file.slice(base.length + 1).split('/')[0]!;
  return names.includes(first) ? first : undefined;
};

describe('capability slices', () => {
  const server = files('server');
  const client = files('client/src');

  it('a server capability folder imports no other capability folder and no part of the agent core', () => {
    const wrong: string[] = [];
    for (const f of server) {
      const own = folderOf(f, 'server/agent', SERVER_CAPS);
      if (!own) continue;
      for (const target of importsOf(f)) {
        const other =
          folderOf(target, 'server/agent', SERVER_CAPS) ?? folderOf(target, 'server/agent', SERVER_CORE);
        if (other && other !== own) wrong.push(`${f} → ${target}`);
        if (target.startsWith('server/relay/') || target === 'server/config/schema.ts')
          wrong.push(`${f} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('only the registries import a server capability folder', () => {
    const wrong: string[] = [];
    for (const f of server) {
      if (REGISTRIES.has(f) || folderOf(f, 'server/agent', SERVER_CAPS)) continue;
      for (const target of importsOf(f))
        if (folderOf(target, 'server/agent', SERVER_CAPS)) wrong.push(`${f} → ${target}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a plug brand is its folder: only the registry imports its spec, only its spec loads its driver', () => {
    const DRIVERS = 'server/agent/power/drivers';
    const brands = readdirSync(path.join(ROOT, DRIVERS)).filter((n) =>
      statSync(path.join(ROOT, DRIVERS, n)).isDirectory(),
    );
    expect(brands.length).toBeGreaterThanOrEqual(8);
    const wrong: string[] = [];
    for (const f of server) {
      const own = folderOf(f, DRIVERS, brands);
      for (const target of importsOf(f)) {
        const brand = folderOf(target, DRIVERS, brands);
        if (!brand) continue;
        const ok = brand === own || (f === `${DRIVERS}/index.ts` && target === `${DRIVERS}/${brand}/spec.ts`);
        if (!ok) wrong.push(`${f} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a client capability folder imports no other one, and only the registry imports them', () => {
    const wrong: string[] = [];
    for (const f of client) {
      const own = folderOf(f, 'client/src', CLIENT_CAPS);
      for (const target of importsOf(f)) {
        const other = folderOf(target, 'client/src', CLIENT_CAPS);
        if (other && other !== own && !REGISTRIES.has(f) && f !== 'client/src/i18n/index.ts')
          wrong.push(`${f} → ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('shared/ (what the phone runs too) imports nothing of the server or the client', () => {
    const wrong: string[] = [];
    for (const f of files('shared'))
      for (const target of importsOf(f)) if (!target.startsWith('shared/')) wrong.push(`${f} → ${target}`);
    expect(wrong).toEqual([]);
  });
});
