// Kubernetes manifests checked against the API's own schemas, as kubectl's default (strict) validation
// would: kubernetes-models carries the OpenAPI schemas of Kubernetes 1.34 twice — compiled to JSON-schema
// validators (types, required fields, enums, int-or-string) and as TypeScript declarations of every
// object. The validators allow unknown fields (the OpenAPI spec does), so unknown fields are found by
// the TypeScript compiler's excess-property check against those declarations: a typo'd field is an error.
import path from 'node:path';
import ts from 'typescript';
import { REPO } from './recipe-files.js';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
}

/** kubernetes-models' module for an apiVersion (`apps/v1` → `apps/v1`, core `v1` → `v1`). */
const modelModule = (m: Manifest): string => `kubernetes-models/${m.apiVersion}/${m.kind}`;

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

/** Problems the compiled OpenAPI validators find, one line each, prefixed with kind/name. */
export async function schemaProblems(docs: readonly Manifest[]): Promise<string[]> {
  const out: string[] = [];
  for (const doc of docs) {
    const where = `${doc.kind}/${doc.metadata?.name}`;
    let Model: ModelClass | undefined;
    try {
      const mod = (await import(modelModule(doc))) as Record<string, ModelClass>;
      Model = mod[doc.kind];
    } catch {
      Model = undefined;
    }
    if (!Model) {
      out.push(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (err) {
      for (const line of String((err as Error).message).split(', ')) out.push(`${where}: ${line}`);
    }
  }
  return out;
}

/**
 * Unknown fields (and wrong shapes the validators let through), from TypeScript's check of each
 * manifest as an object literal of its declared type. One program for all manifests: a few seconds.
 */
export function strictFieldProblems(docs: readonly Manifest[]): string[] {
  const file = path.join(REPO, 'test/deploy/__manifests-under-check__.ts');
  const starts: number[] = [];
  let text = '';
  docs.forEach((doc, i) => {
    const type = `I${doc.kind}`;
    text += `import type { ${type} as T${i} } from '${modelModule(doc)}';\n`;
  });
  docs.forEach((doc, i) => {
    starts.push(text.length);
    text += `export const m${i}: T${i} = ${JSON.stringify(doc, null, 1)};\n`;
  });
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    name === file ? ts.createSourceFile(name, text, lang) : getSourceFile(name, lang, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const at = d.start ?? 0;
    let i = starts.length - 1;
    while (i > 0 && (starts[i] ?? 0) > at) i--;
    const doc = docs[i];
    const snippet = text.slice(at, at + 60).split('\n')[0];
    const msg = ts.flattenDiagnosticMessageText(d.messageText, ' ');
    return `${doc?.kind}/${doc?.metadata?.name}: ${msg} (at ${snippet})`;
  });
}
