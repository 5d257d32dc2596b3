import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_CONFIG } from '../config/default-config.js';
import { ConfigError, type LoadedConfig, loadConfig } from '../config/load.js';
import { CliError } from './errors.js';

export const DEFAULT_CONFIG_FILE = 'lifeline.yaml';

export function configPath(option: string | undefined): string {
  return path.resolve(option ?? process.env.LIFELINE_CONFIG ?? DEFAULT_CONFIG_FILE);
}

/**
 * Loads the config, turning every problem into one CLI error that lists them all. Keys the file
 * calls by an earlier name still work; each gets one line on stderr saying what it is called now.
 */
export function loadOrFail(file: string): LoadedConfig {
  try {
    const loaded = loadConfig(file);
    for (const w of loaded.warnings) process.stderr.write(`lifeline: ${w}\n`);
    return loaded;
  } catch (err) {
    if (err instanceof ConfigError) {
      const first = err.problems[0];
      if (err.problems.length === 1 && first?.line === 0 && first.message === 'file not found')
        throw new CliError(`${file}: no config file here; \`lifeline start\` writes a commented one`);
      throw new CliError(err.message);
    }
    throw err;
  }
}

/** On first start: writes the commented default config and says so. */
export function ensureConfig(file: string, say: (line: string) => void): void {
  if (existsSync(file)) return;
  writeFileSync(file, DEFAULT_CONFIG, { mode: 0o600 });
  say(`Wrote a default config to ${file} — edit it to add machines, containers and plugs.`);
}
