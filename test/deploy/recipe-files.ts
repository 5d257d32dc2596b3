// Readers for the deploy recipes (Dockerfiles, compose files, systemd units), so tests check what the
// files actually say rather than a copy of it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const deployFile = (rel: string): string =>
  fileURLToPath(new URL(`../../deploy/${rel}`, import.meta.url));
export const readDeploy = (rel: string): string => readFileSync(deployFile(rel), 'utf8');

export interface Instruction {
  op: string;
  args: string;
  stage: number;
}

/** A Dockerfile's instructions, continuation lines joined, comments dropped, numbered by stage. */
export function dockerfile(rel: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of readDeploy(rel).split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (pending && line.startsWith('#')) continue;
    if (line.endsWith('\\')) pending += `${line.slice(0, -1).trim()} `;
    else {
      logical.push(pending + line);
      pending = '';
    }
  }
  let stage = -1;
  return logical.map((l) => {
    const [op = '', ...rest] = l.split(/\s+/);
    if (op.toUpperCase() === 'FROM') stage++;
    return { op: op.toUpperCase(), args: rest.join(' '), stage };
  });
}

/** The exec-form command of a Dockerfile's HEALTHCHECK, e.g. ["node", "-e", "…"]. */
export function healthcheckCommand(rel: string): string[] {
  const hc = dockerfile(rel).find((i) => i.op === 'HEALTHCHECK');
  const json = hc?.args.match(/\bCMD\s+(\[.*\])$/)?.[1];
  if (!json) throw new Error(`${rel}: no exec-form HEALTHCHECK CMD`);
  return JSON.parse(json) as string[];
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  network_mode?: string;
  restart?: string;
  user?: string;
  group_add?: string[];
  cap_drop?: string[];
  cap_add?: string[];
  depends_on?: unknown;
  privileged?: boolean;
  env_file?: unknown;
  environment?: Record<string, string>;
  volumes?: string[];
  command?: string[];
  healthcheck?: { test: string[] };
}

export interface ComposeFile {
  name: string;
  services: Record<string, ComposeService>;
  volumes: Record<string, { driver?: string; driver_opts?: Record<string, string> } | null>;
}

export const compose = (rel: string): ComposeFile => parseYaml(readDeploy(rel)) as ComposeFile;

/** A compose short-syntax volume `source:target[:mode]`. */
export function mount(spec: string): { source: string; target: string; mode: string } {
  const [source = '', target = '', mode = 'rw'] = spec.split(':');
  return { source, target, mode };
}

/** A systemd unit: section → key → every value given (commented lines are not values). */
export function unitFile(rel: string): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  let section = '';
  for (const raw of readDeploy(rel).split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const head = line.match(/^\[(.+)\]$/);
    if (head) {
      section = head[1]!;
      out[section] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (!section || eq < 1) throw new Error(`${rel}: cannot read line ${JSON.stringify(line)}`);
    const key = line.slice(0, eq).trim();
    const values = out[section]!;
    values[key] = [...(values[key] ?? []), line.slice(eq + 1).trim()];
  }
  return out;
}

/** Every `FROM` and `image:` reference under deploy/, with where it is. */
export function imageReferences(files: { dockerfiles: string[]; composes: string[] }): {
  where: string;
  ref: string;
}[] {
  const refs: { where: string; ref: string }[] = [];
  for (const rel of files.dockerfiles)
    for (const i of dockerfile(rel).filter((x) => x.op === 'FROM'))
      refs.push({ where: rel, ref: i.args.split(/\s+/).filter((w) => !w.startsWith('--'))[0]! });
  for (const rel of files.composes)
    for (const [name, svc] of Object.entries(compose(rel).services))
      if (svc.image) refs.push({ where: `${rel} ${name}`, ref: svc.image });
  return refs;
}
