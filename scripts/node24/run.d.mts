export const RUNTIME_DIR: string;
export class Node24Error extends Error {}
export interface Runtime {
  name: string;
  version: string;
  node: string;
  nodedir: string;
  headersVersion: string;
}
export function lockedRuntime(opts?: { platform?: string; arch?: string; lockDir?: string }): {
  name: string;
  version: string;
  headers: { dir: string; version: string };
};
export function installRuntime(opts?: {
  dir?: string;
  lockDir?: string;
  platform?: string;
  arch?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}): Runtime;
export function buildAddon(
  runtime: Runtime,
  opts?: { log?: (line: string) => void },
): { abi: string; addon: string; built: boolean };
export function suiteEnv(node: string, env?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
