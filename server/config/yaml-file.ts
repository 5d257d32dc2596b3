// A YAML config file read with positions → ${ENV} substitution → earlier key names → a valibot
// schema, every problem reported as file:line:column, key path, what was expected — never a stack
// trace. Shared by lifeline.yaml (load.ts) and relay.yaml (relay-schema.ts); it knows neither
// file's schema, so the relay loads none of the agent's.
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';

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

const ENV_REF = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

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

/**
 * YAML with positions → ${ENV} substitution → earlier key names → a valibot schema. Shared by
 * lifeline.yaml and relay.yaml; `problemAt` lets callers report their own cross-entry rules at the
 * right line. Problems name keys as the file writes them, earlier names included.
 */
export function parseYamlWithSchema<S extends v.GenericSchema>(
  schema: S,
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
  aliases: Readonly<Record<string, string>> = {},
): {
  value: v.InferOutput<S>;
  problemAt: (path: (string | number)[], message: string) => ConfigProblem;
  warnings: string[];
} {
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

  // Earlier key names: read as the current ones, reported as written, with a line saying so.
  const written = new Map<string, string>();
  const warnings: string[] = [];
  const top = raw as Record<string, unknown>;
  const conflicts: ConfigProblem[] = [];
  for (const alias of Object.keys(top)) {
    const key = aliases[alias];
    if (key === undefined) continue;
    const where = at(keyNodeAt(doc.contents, [], alias)?.range?.[0]);
    if (Object.hasOwn(top, key)) {
      conflicts.push({
        file,
        ...where,
        path: alias,
        message: `both ${alias}: and ${key}: — ${alias}: is the earlier name of ${key}:, keep one`,
      });
      continue;
    }
    top[key] = top[alias];
    delete top[alias];
    written.set(key, alias);
    warnings.push(
      formatProblem({
        file,
        ...where,
        path: alias,
        message: `is now called ${key}: (${alias}: still works)`,
      }),
    );
  }
  if (conflicts.length > 0) throw new ConfigError(conflicts);
  const asWritten = (segments: readonly PropertyKey[]): PropertyKey[] =>
    segments.length > 0 && written.has(String(segments[0]))
      ? [written.get(String(segments[0]))!, ...segments.slice(1)]
      : [...segments];

  const result = v.safeParse(schema, raw);
  if (!result.success)
    throw new ConfigError(
      result.issues.map((i) => issueToProblem(i, schema, asWritten(issuePath(i)), doc.contents, file, at)),
    );
  return {
    value: result.output,
    problemAt: (p, message) => {
      const segments = asWritten(p);
      return { file, ...at(nodeAt(doc.contents, segments)?.range?.[0]), path: formatPath(segments), message };
    },
    warnings,
  };
}

function issuePath(issue: v.BaseIssue<unknown>): PropertyKey[] {
  return (issue.path ?? []).map((p) => p.key as PropertyKey);
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

/** What a schema expects, in words: `number`, `one of "a", "b"`, or its own message. */
function expectsOf(schema: v.GenericSchema | undefined): string {
  if (!schema) return 'a value';
  const s = schema as v.GenericSchema & {
    options?: readonly unknown[];
    literal?: unknown;
    message?: unknown;
  };
  if (s.type === 'picklist' && s.options)
    return `one of ${s.options.map((o) => JSON.stringify(o)).join(', ')}`;
  if (s.type === 'union' || s.type === 'variant')
    return typeof s.message === 'string' ? s.message : 'one of the allowed shapes';
  if (s.type === 'literal') return JSON.stringify(s.literal);
  if (s.type === 'strict_object' || s.type === 'object') return 'a mapping';
  if (s.type === 'array') return 'a list';
  return s.expects;
}

/** The schema that describes the value at `segments`, through optionals, pipes, arrays and objects. */
function schemaAt(root: v.GenericSchema, segments: readonly PropertyKey[]): v.GenericSchema | undefined {
  let s: unknown = root;
  const unwrap = () => {
    while (s && typeof s === 'object' && 'wrapped' in s) s = (s as { wrapped: unknown }).wrapped;
  };
  unwrap();
  for (const seg of segments) {
    const node = s as { entries?: Record<string, unknown>; item?: unknown };
    if (typeof seg === 'number' && node.item) s = node.item;
    else if (node.entries && Object.hasOwn(node.entries, String(seg))) s = node.entries[String(seg)];
    else return undefined;
    unwrap();
  }
  return s as v.GenericSchema;
}

const BOUNDS: Record<string, string> = {
  min_value: 'at least',
  max_value: 'at most',
  gt_value: 'more than',
  lt_value: 'less than',
  min_length: 'at least',
  max_length: 'at most',
};

function issueToProblem(
  issue: v.BaseIssue<unknown>,
  schema: v.GenericSchema,
  segments: PropertyKey[],
  root: unknown,
  file: string,
  at: (offset: number | undefined) => { line: number; column: number },
): ConfigProblem {
  const unknownKey =
    (issue.type === 'strict_object' || issue.type === 'loose_object') && issue.expected === 'never';
  if (unknownKey) {
    const key = String(segments[segments.length - 1] ?? '');
    const parent = segments.slice(0, -1);
    const keyNode = keyNodeAt(root, parent, key);
    return {
      file,
      ...at(keyNode?.range?.[0] ?? deepestNode(root, parent)?.range?.[0]),
      path: formatPath(segments),
      message: `unknown key "${key}"`,
    };
  }
  const node = nodeAt(root, segments);
  const where = node ?? deepestNode(root, segments);
  const problem = (message: string) => ({
    file,
    ...at(where?.range?.[0]),
    path: formatPath(segments),
    message,
  });
  const current = schemaAt(schema, issuePath(issue));
  // A rule's message stands alone: echoing the value could print a secret (a token).
  if (issue.type === 'check' || issue.type === 'raw_check') return problem(issue.message);
  if (!node) return problem(`missing; expected ${expectsOf(current)}`);
  if (issue.kind === 'schema') return problem(`expected ${expectsOf(current)}, got ${describeValue(node)}`);
  const bound = BOUNDS[issue.type];
  if (bound) {
    const unit = Array.isArray(issue.input)
      ? ' entries'
      : typeof issue.input === 'string'
        ? ' characters'
        : '';
    return problem(`expected ${bound} ${String(issue.requirement)}${unit}, got ${describeValue(node)}`);
  }
  if (issue.type === 'integer') return problem(`expected a whole number, got ${describeValue(node)}`);
  if (issue.type === 'regex') return problem(`expected ${issue.message}, got ${describeValue(node)}`);
  return problem(issue.message);
}
