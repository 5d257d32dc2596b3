// What the images would run, run here: their HEALTHCHECK one-liner against a real agent and relay, the
// runtime stage's file set (production dependencies only, better-sqlite3 trimmed as the Dockerfile
// trims it) starting the image's own command, and the online backup of a running agent's data folder.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addonForThisNode } from '../../scripts/node24/addon.mjs';
import { startTestAgent, type TestAgent } from '../harness/agent.js';
import { freePort } from '../harness/cli.js';
import { startTestRelay, type TestRelay } from '../harness/relay.js';
import { tempDir } from '../harness/temp.js';
import { dockerfile, healthcheckCommand, REPO } from './recipe-files.js';

/** Runs a HEALTHCHECK exec-form command as Docker would, with `node` being this node. */
function runHealthcheck(
  command: string[],
  url: string,
  timeoutMs = 10_000,
): Promise<{ code: number | null; ms: number }> {
  const [program, ...args] = command;
  expect(program).toBe('node');
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH, LIFELINE_HEALTH_URL: url },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, ms: Date.now() - started });
    });
  });
}

function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/healthz` }),
    ),
  );
}

describe('the HEALTHCHECK one-liner', () => {
  const agentCheck = healthcheckCommand('docker/Dockerfile.agent');
  let agent: TestAgent;
  let relay: TestRelay;
  const servers: Server[] = [];
  beforeAll(async () => {
    agent = await startTestAgent();
    relay = await startTestRelay({ homes: [] });
  });
  afterAll(async () => {
    for (const s of servers) s.close();
    await agent?.close();
    await relay?.close();
  });

  it('is the same probe in both images', () => {
    expect(healthcheckCommand('docker/Dockerfile.relay')).toEqual(agentCheck);
  });

  it("passes against a running agent's /healthz", async () => {
    expect((await runHealthcheck(agentCheck, `${agent.url}/healthz`)).code).toBe(0);
  });

  it("passes against a running relay's /healthz", async () => {
    expect((await runHealthcheck(agentCheck, `${relay.url}/healthz`)).code).toBe(0);
  });

  it('fails when nothing listens', async () => {
    expect((await runHealthcheck(agentCheck, `http://127.0.0.1:${await freePort()}/healthz`)).code).toBe(1);
  });

  it('fails on an answer that is not {"ok":true}', async () => {
    const { server, url } = await listen((_req, res) => res.end('{"ok":false}'));
    servers.push(server);
    expect((await runHealthcheck(agentCheck, url)).code).toBe(1);
    const html = await listen((_req, res) => res.end('<html>a captive portal</html>'));
    servers.push(html.server);
    expect((await runHealthcheck(agentCheck, html.url)).code).toBe(1);
  });

  it('gives up on a hung server before the HEALTHCHECK timeout', async () => {
    const { server, url } = await listen(() => {});
    servers.push(server);
    const timeout = Number(
      dockerfile('docker/Dockerfile.agent')
        .find((i) => i.op === 'HEALTHCHECK')
        ?.args.match(/--timeout=(\d+)s/)?.[1],
    );
    const r = await runHealthcheck(agentCheck, url);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(timeout * 1000);
    server.closeAllConnections();
  });
});

describe("the runtime stage's files, run as the image runs them", () => {
  const tmp = tempDir('lifeline-image-');
  const app = path.join(tmp.dir, 'app');
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    tmp.remove();
  });

  beforeAll(() => {
    // `npm prune --omit=dev`: the lockfile's non-dev packages, copied.
    const lock = JSON.parse(readFileSync(path.join(REPO, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    for (const [key, meta] of Object.entries(lock.packages)) {
      if (!key.startsWith('node_modules/') || key.includes('/node_modules/', 1) || meta.dev) continue;
      const from = path.join(REPO, key);
      try {
        statSync(from);
      } catch {
        continue; // an optional package for another platform
      }
      cpSync(from, path.join(app, key), { recursive: true, dereference: false });
    }
    for (const dir of ['bin', 'dist']) cpSync(path.join(REPO, dir), path.join(app, dir), { recursive: true });
    cpSync(path.join(REPO, 'package.json'), path.join(app, 'package.json'));
    // The image compiles better-sqlite3 for the Node it runs; here that is the build this Node loads
    // (npm's, or the one `npm run test:node24` made for Node 24).
    copyFileSync(
      addonForThisNode(),
      path.join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'),
    );
    mkdirSync(path.join(app, 'scripts'));
    cpSync(path.join(REPO, 'scripts/backup-data.mjs'), path.join(app, 'scripts/backup-data.mjs'));
    // The Dockerfile's own trimming of better-sqlite3, run verbatim.
    const trim = dockerfile('docker/Dockerfile.agent').find(
      (i) => i.op === 'RUN' && i.args.includes('better_sqlite3.node'),
    );
    expect(trim).toBeDefined();
    execFileSync('sh', ['-ec', trim!.args], { cwd: app });
    expect(readdirSync(path.join(app, 'node_modules/better-sqlite3')).sort()).toEqual(
      ['LICENSE', 'README.md', 'binding.gyp', 'build', 'lib', 'package.json'].sort(),
    );
  });

  function startImageCommand(args: string[], ready: RegExp): Promise<string> {
    const child = spawn(process.execPath, [path.join(app, 'bin/lifeline.js'), ...args], {
      cwd: tmp.dir,
      env: { PATH: process.env.PATH, NODE_ENV: 'production', LIFELINE_LOG: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready:\n${out}`)), 20_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = out.match(ready);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.on('exit', (code) => reject(new Error(`exited with ${code}:\n${out}`)));
    });
  }

  it("starts the agent image's command with its relay unreachable, answers the health check, backs up live", async () => {
    const data = path.join(tmp.dir, 'agent-data');
    const config = path.join(tmp.dir, 'lifeline.yaml');
    const port = await freePort();
    // deploy/compose/lifeline.yaml's shape, on a free port, with nothing it points at running.
    writeFileSync(
      config,
      [
        'home: { name: Image test }',
        `listen: { host: 127.0.0.1, port: ${port} }`,
        `data: ${data}`,
        `relay: { url: "ws://127.0.0.1:${await freePort()}" }`,
        'docker:',
        `  - { id: this-host, socket: ${path.join(tmp.dir, 'no-proxy-here.sock')} }`,
        '',
      ].join('\n'),
    );
    const url = await startImageCommand(['agent', '-c', config], /Lifeline is running: (\S+)/);
    const check = await runHealthcheck(healthcheckCommand('docker/Dockerfile.agent'), `${url}/healthz`);
    expect(check.code).toBe(0);

    const backups = path.join(tmp.dir, 'backups');
    const out = execFileSync(process.execPath, [path.join(app, 'scripts/backup-data.mjs'), data, backups], {
      encoding: 'utf8',
    });
    const dest = out.trim().split('\n').at(-1)!;
    expect(out).toContain('lifeline.db: database copied, integrity ok');
    expect(readFileSync(path.join(dest, 'agent-key.json'), 'utf8')).toBe(
      readFileSync(path.join(data, 'agent-key.json'), 'utf8'),
    );
    expect(statSync(dest).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dest, 'agent-key.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dest).filter((f) => /-(wal|shm)$/.test(f))).toEqual([]);
    const copy = new Database(path.join(dest, 'lifeline.db'), { readonly: true });
    const live = new Database(path.join(data, 'lifeline.db'), { readonly: true });
    try {
      expect(copy.pragma('user_version', { simple: true })).toBe(
        live.pragma('user_version', { simple: true }),
      );
      expect(copy.pragma('user_version', { simple: true })).toBeGreaterThan(0);
    } finally {
      copy.close();
      live.close();
    }
  });

  it("starts the relay image's command and answers the health check", async () => {
    const config = path.join(tmp.dir, 'relay.yaml');
    const port = await freePort();
    writeFileSync(
      config,
      `listen: { host: 127.0.0.1, port: ${port} }\ndata: ${path.join(tmp.dir, 'relay-data')}\ntrustProxy: [127.0.0.1]\n`,
    );
    await startImageCommand(['relay', '-c', config], /(Lifeline relay is running)/);
    const check = await runHealthcheck(
      healthcheckCommand('docker/Dockerfile.relay'),
      `http://127.0.0.1:${port}/healthz`,
    );
    expect(check.code).toBe(0);
  });

  it('refuses a backup run as another user than the data folder owner', () => {
    if (process.getuid?.() !== 0) return; // needs a folder owned by someone else
    const foreign = path.join(tmp.dir, 'foreign');
    mkdirSync(foreign);
    execFileSync('chown', ['65534:65534', foreign]);
    let stderr = '';
    try {
      execFileSync(process.execPath, [path.join(app, 'scripts/backup-data.mjs'), foreign, tmp.dir], {
        stdio: 'pipe',
      });
    } catch (err) {
      stderr = String((err as { stderr: Buffer }).stderr);
    }
    expect(stderr).toContain('run this as the owner');
  });
});
