// How many files adding a plug brand touches: on a scratch worktree of HEAD, add a driver the way
// docs/power.md says (its own file in server/agent/power/drivers/ and one registry line), check
// that it compiles and that a config naming it is accepted, and count the files git sees changed.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8' });

const DRIVER = `// A test brand: a plug that answers nothing (this file exists only in the benchmark's scratch tree).
import { LifelineError } from '../../../../shared/protocol/errors.js';
import type { PlugConfig } from '../config.js';
import { DEVICE_ADDRESS, type DriverDeps, type DriverSpec, type PlugDriver } from '../driver.js';

export function createScratchDriver(plug: PlugConfig, _deps: DriverDeps): PlugDriver {
  const never = () => Promise.reject(new LifelineError('unreachable', \`\${plug.address} does not answer\`));
  return {
    capabilities: { power: false, timer: 'none', maxCycleSeconds: 0, push: false },
    read: never,
    set: never,
    cycle: never,
    close() {},
  };
}

export const scratch: DriverSpec = { keys: ['address'], requires: { address: DEVICE_ADDRESS }, create: createScratchDriver };
`;

export async function addDriverBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-add-driver-'));
  const tree = path.join(dir, 'tree');
  try {
    git(root, 'worktree', 'add', '--detach', tree, 'HEAD');
    execFileSync('ln', ['-s', path.join(root, 'node_modules'), path.join(tree, 'node_modules')]);
    writeFileSync(path.join(tree, 'server/agent/power/drivers/scratch.ts'), DRIVER);
    const index = path.join(tree, 'server/agent/power/drivers/index.ts');
    const text = readFileSync(index, 'utf8')
      .replace(
        "import { zigbee2mqtt } from './zigbee2mqtt.js';",
        "import { zigbee2mqtt } from './zigbee2mqtt.js';\nimport { scratch } from './scratch.js';",
      )
      .replace('  zigbee2mqtt,\n};', '  zigbee2mqtt,\n  scratch,\n};');
    writeFileSync(index, text);
    execFileSync(
      process.execPath,
      [
        path.join(root, 'node_modules/typescript/bin/tsc'),
        '-p',
        'tsconfig.build.json',
        '--outDir',
        path.join(tree, 'dist'),
      ],
      { cwd: tree },
    );
    const { parseConfig } = await import(path.join(tree, 'dist/server/config/load.js'));
    parseConfig('power:\n  - { id: p, name: P, driver: scratch, address: 10.0.0.9 }\n', 'x.yaml', {});
    const touched = git(tree, 'status', '--porcelain', '--untracked-files=all')
      .split('\n')
      .filter((l) => l && !l.endsWith(' node_modules'));
    const edited = touched.filter((l) => l.startsWith(' M')).length;
    return [
      {
        metric: 'files touched to add a plug brand (its file + registry)',
        value: touched.length,
        unit: 'files',
      },
      { metric: 'existing files edited to add a plug brand', value: edited, unit: 'files' },
    ];
  } finally {
    try {
      git(root, 'worktree', 'remove', '--force', tree);
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  }
}
