// Loads lifeline.yaml: the generic YAML reading (yaml-file.ts) with the agent's schema and its
// cross-entry rules. Every problem is reported as file:line:column, key path, what was expected.
import path from 'node:path';
import { type Config, ConfigSchema, crossChecks, KEY_ALIASES } from './schema.js';
import { ConfigError, parseYamlWithSchema, readConfigText } from './yaml-file.js';

// What a bad lifeline.yaml throws, for the callers that load it.
export { ConfigError } from './yaml-file.js';

export interface LoadedConfig {
  config: Config;
  file: string;
  /** Absolute data folder, resolved against the config file's folder. */
  dataDir: string;
  /** Earlier key names the file still uses, one line each (file:line:column: what to call it now). */
  warnings: string[];
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  return parseConfig(readConfigText(file), file, env);
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const { value, problemAt, warnings } = parseYamlWithSchema(ConfigSchema, text, file, env, KEY_ALIASES);
  const cross = crossChecks(value);
  if (cross.length > 0) throw new ConfigError(cross.map((c) => problemAt(c.path, c.message)));
  return { config: value, file, dataDir: path.resolve(path.dirname(file), value.data), warnings };
}
