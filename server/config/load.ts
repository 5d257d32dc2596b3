// Loads lifeline.yaml: YAML with positions → ${ENV} substitution → schema. Every problem is
// reported as file:line:column, key path, what was expected — never a stack trace.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import { type Config, ConfigSchema, crossChecks } from './schema.js';

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatProblem(p: ConfigProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${String(s)}` : String(s);
  return out;
}

export interface LoadedConfig {
  config: Config;
  file: string;
  /** Absolute data folder, resolved against the config file's folder. */
  dataDir: string;
}

const ENV_REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  return parseConfig(readConfigText(file), file, env);
}

export function readConfigText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EACCES'
          ? 'permission denied'
          : `cannot read (${code})`;
    throw new ConfigError([{ file, line: 0, column: 0, path: '', message: why }]);
  }
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const { value, problemAt } = parseYamlWithSchema(ConfigSchema, text, file, env);
  const cross = crossChecks(value);
  if (cross.length > 0) throw new ConfigError(cross.map((c) => problemAt(c.path, c.message)));
  return { config: value, file, dataDir: path.resolve(path.dirname(file), value.data) };
}

/**
 * YAML with positions → ${ENV} substitution → a zod schema. Shared by lifeline.yaml and relay.yaml;
 * `problemAt` lets callers report their own cross-entry rules at the right line.
 */
export function parseYamlWithSchema<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): { value: z.output<S>; problemAt: (path: (string | number)[], message: string) => ConfigProblem } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col };
  };

  const syntax = [...doc.errors, ...doc.warnings];
  if (syntax.length > 0)
    throw new ConfigError(
      syntax.map((e) => ({
        file,
        ...at(e.pos[0]),
        path: '',
        message: e.message.split('\n')[0] ?? 'YAML error',
      })),
    );

  const envProblems: ConfigProblem[] = [];
  visit(doc, {
    Scalar(_key, node, visitPath) {
      if (typeof node.value !== 'string' || !node.value.includes('$')) return;
      node.value = node.value.replace(ENV_REF, (match, name: string | undefined) => {
        if (match === '$${') return '${';
        const value = name ? env[name] : undefined;
        if (value === undefined) {
          envProblems.push({
            file,
            ...at(node.range?.[0]),
            path: formatPath(pathOf(visitPath, node)),
            message: `environment variable ${name} is not set`,
          });
          return '';
        }
        return value;
      });
    },
  });
  if (envProblems.length > 0) throw new ConfigError(envProblems);

  let raw: unknown;
  try {
    // toJS resolves aliases and merge keys; a dangling or circular alias throws here.
    raw = doc.toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new ConfigError([
      { file, line: 1, column: 1, path: '', message: `YAML error: ${(err as Error).message}` },
    ]);
  }
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigError([
      { file, line: 1, column: 1, path: '', message: 'the config must be a mapping of keys' },
    ]);

  const result = schema.safeParse(raw);
  if (!result.success)
    throw new ConfigError(result.error.issues.map((i) => issueToProblem(i, doc.contents, file, at)));
  return {
    value: result.data,
    problemAt: (p, message) => ({
      file,
      ...at(nodeAt(doc.contents, p)?.range?.[0]),
      path: formatPath(p),
      message,
    }),
  };
}

function pathOf(visitPath: readonly unknown[], node: Node): (string | number)[] {
  const out: (string | number)[] = [];
  const chain = [...visitPath, node];
  for (let i = 1; i < chain.length; i++) {
    const parent = chain[i - 1];
    const child = chain[i];
    if (isSeq(parent)) out.push(parent.items.indexOf(child as never));
    else if (parent && typeof parent === 'object' && 'key' in parent && 'value' in parent) {
      const pair = parent as { key: unknown; value: unknown };
      if (pair.value === child && isScalar(pair.key)) out.push(String(pair.key.value));
    }
  }
  return out;
}

function nodeAt(root: unknown, segments: readonly PropertyKey[]): Node | undefined {
  let node = root;
  for (const s of segments) {
    if (isMap(node))
      node = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(s))?.value;
    else if (isSeq(node) && typeof s === 'number') node = node.items[s];
    else return undefined;
  }
  return (node as Node | undefined) ?? undefined;
}

function keyNodeAt(root: unknown, parentPath: readonly PropertyKey[], key: string): Node | undefined {
  const parent = nodeAt(root, parentPath);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  return pair?.key as Node | undefined;
}

function deepestNode(root: unknown, segments: readonly PropertyKey[]): Node | undefined {
  for (let n = segments.length; n >= 0; n--) {
    const node = nodeAt(root, segments.slice(0, n));
    if (node) return node;
  }
  return undefined;
}

function describeValue(node: Node | undefined): string {
  if (!node) return 'nothing';
  if (isScalar(node)) return JSON.stringify(node.value);
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  return 'a value';
}

function issueToProblem(
  issue: z.core.$ZodIssue,
  root: unknown,
  file: string,
  at: (offset: number | undefined) => { line: number; column: number },
): ConfigProblem {
  const segments = issue.path as PropertyKey[];
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    const keyNode = keyNodeAt(root, segments, key);
    return {
      file,
      ...at(keyNode?.range?.[0] ?? deepestNode(root, segments)?.range?.[0]),
      path: formatPath([...segments, key]),
      message: `unknown key "${key}"${issue.keys.length > 1 ? ` (and ${issue.keys.slice(1).join(', ')})` : ''}`,
    };
  }
  const node = nodeAt(root, segments);
  const where = node ?? deepestNode(root, segments);
  let message: string;
  // A refinement's message stands alone: echoing the value could print a secret (a token).
  if (issue.code === 'custom') message = issue.message;
  else if (!node && issue.code === 'invalid_type') message = `missing; expected ${issue.expected}`;
  else if (issue.code === 'invalid_type') message = `expected ${issue.expected}, got ${describeValue(node)}`;
  else if (issue.code === 'invalid_value')
    message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(node)}`;
  else if (issue.code === 'invalid_union')
    message = `expected ${unionHint(segments)}, got ${describeValue(node)}`;
  else if (issue.code === 'too_big' || issue.code === 'too_small') {
    const bound = issue.code === 'too_big' ? issue.maximum : issue.minimum;
    const op =
      issue.code === 'too_big'
        ? issue.inclusive
          ? 'at most'
          : 'less than'
        : issue.inclusive
          ? 'at least'
          : 'more than';
    const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' entries' : '';
    message = `expected ${op} ${String(bound)}${unit}, got ${describeValue(node)}`;
  } else
    message = `expected ${issue.message.replace(/^Invalid (string|input): /i, '')}, got ${describeValue(node)}`;
  return { file, ...at(where?.range?.[0]), path: formatPath(segments), message };
}

function unionHint(segments: readonly PropertyKey[]): string {
  const last = segments[segments.length - 1];
  if (last === 'probe') return '{ tcp: <port> } or { icmp: true }';
  return 'one of the allowed shapes';
}
