// How many files adding a plug brand touches: on a scratch worktree of HEAD, add a driver the way
// docs/architecture.md says (its own folder in server/agent/power/drivers/: spec.ts and driver.ts,
// and one registry line), check that it compiles, that a config naming it is accepted and that its
// driver loads, and count the files git sees changed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8' });

const DRIVER = `// A test brand: a plug that answers nothing (this folder exists only in the benchmark's scratch tree).
import { LifelineError } from '../../../../../shared/protocol/errors.js';
import type { PlugConfig } from '../../config.js';
import type { DriverDeps, PlugDriver } from '../../driver.js';

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
`;

const SPEC = `import { DEVICE_ADDRESS, type DriverSpec } from '../../driver.js';

export const scratch: DriverSpec = {
  keys: ['address'],
  requires: { address: DEVICE_ADDRESS },
  load: () => import('./driver.js').then((m) => m.createScratchDriver),
};
`;

export async function addDriverBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-add-driver-'));
  const tree = path.join(dir, 'tree');
  try {
    git(root, 'worktree', 'add', '--detach', tree, 'HEAD');
    execFileSync('ln', ['-s', path.join(root, 'node_modules'), path.join(tree, 'node_modules')]);
    const brand = path.join(tree, 'server/agent/power/drivers/scratch');
    mkdirSync(brand);
    writeFileSync(path.join(brand, 'driver.ts'), DRIVER);
    writeFileSync(path.join(brand, 'spec.ts'), SPEC);
    const index = path.join(tree, 'server/agent/power/drivers/index.ts');
    const text = readFileSync(index, 'utf8')
      .replace(
        "import { zigbee2mqtt } from './zigbee2mqtt/spec.js';",
        "import { zigbee2mqtt } from './zigbee2mqtt/spec.js';\nimport { scratch } from './scratch/spec.js';",
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
    const { config } = parseConfig(
      'power:\n  - { id: p, name: P, driver: scratch, address: 10.0.0.9 }\n',
      'x.yaml',
      {},
    );
    const { createDriver } = await import(path.join(tree, 'dist/server/agent/power/drivers/index.js'));
    const driver = await createDriver(config.power[0], {});
    if (driver.capabilities.timer !== 'none') throw new Error('the scratch driver did not load');
    const touched = git(tree, 'status', '--porcelain', '--untracked-files=all')
      .split('\n')
      .filter((l) => l && !l.endsWith(' node_modules'));
    const edited = touched.filter((l) => l.startsWith(' M')).length;
    return [
      {
        metric: 'files touched to add a plug brand (its folder: spec and driver, + registry)',
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
