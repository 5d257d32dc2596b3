// HAProxy (Debian's) in front of relay instances, started from the shipped deploy/haproxy/haproxy.cfg
// with the test's loopback addresses in its environment variables: what is tested is what ships.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './cli.js';
import { tempDir } from './temp.js';

/** The repository: the nearest folder up with a package.json (the benchmarks run this from dist/). */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

export const HAPROXY_CFG = path.join(repoRoot(), 'deploy/haproxy/haproxy.cfg');
export const HAPROXY_BIN = '/usr/sbin/haproxy';

export interface TestHaproxy {
  /** Where phones and agents connect (LIFELINE_LB_BIND). */
  port: number;
  /** HAProxy's own /healthz and /metrics (LIFELINE_LB_HEALTH). */
  healthPort: number;
  /** Which servers HAProxy counts up now, by server name (relay1…). */
  serversUp(): Promise<Record<string, boolean>>;
  output(): string;
  stop(): Promise<void>;
}

export interface HaproxyOptions {
  /** host:port of each relay's pass-through listener, in server order. */
  relays: string[];
  /** The relays' own name: SNI and Host of the health checks. */
  relayName: string;
  /** Changes the shipped file before use (only to prove a test fails with a broken one). */
  edit?: (text: string) => string;
}

export async function startHaproxy(opts: HaproxyOptions): Promise<TestHaproxy> {
  const [port, healthPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    LIFELINE_LB_BIND: `127.0.0.1:${port}`,
    LIFELINE_LB_HEALTH: `127.0.0.1:${healthPort}`,
    LIFELINE_RELAY_NAME: opts.relayName,
  };
  opts.relays.forEach((r, i) => {
    env[`LIFELINE_RELAY${i + 1}`] = r;
  });
  const cfg = opts.edit ? { text: opts.edit(readFileSync(HAPROXY_CFG, 'utf8')) } : { file: HAPROXY_CFG };
  const run = await runHaproxy(cfg, healthPort, env);
  const health = `http://127.0.0.1:${healthPort}`;
  return {
    port,
    healthPort,
    async serversUp() {
      const text = await (await fetch(`${health}/metrics`)).text();
      const up: Record<string, boolean> = {};
      for (const m of text.matchAll(
        /^haproxy_server_status\{proxy="relays",server="([^"]+)",state="UP"\} (\d)/gm,
      ))
        up[m[1]!] = m[2] === '1';
      return up;
    },
    output: run.output,
    stop: run.stop,
  };
}

export interface RunningHaproxy {
  /** What HAProxy has said on stdout and stderr so far. */
  output(): string;
  /** SIGTERM, resolved once it has exited. */
  stop(): Promise<void>;
}

/**
 * Debian's HAProxy in the foreground on a config file (or text, written to a temp file), with `env`
 * added to this process's environment; resolves once `statsPort` answers /healthz (monitor-uri).
 */
export async function runHaproxy(
  cfg: { file: string } | { text: string },
  statsPort: number,
  env: NodeJS.ProcessEnv = {},
): Promise<RunningHaproxy> {
  const tmp = tempDir('lifeline-haproxy-');
  let file: string;
  if ('file' in cfg) file = cfg.file;
  else {
    file = path.join(tmp.dir, 'haproxy.cfg');
    writeFileSync(file, cfg.text);
  }
  const child: ChildProcess = spawn(HAPROXY_BIN, ['-f', file, '-db'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d));
  child.stderr?.on('data', (d: Buffer) => (out += d));
  const stop = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        tmp.remove();
        resolve();
      };
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', done);
      child.kill('SIGTERM');
    });
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) {
      tmp.remove();
      throw new Error(`haproxy exited with ${child.exitCode}:\n${out}`);
    }
    try {
      if ((await fetch(`http://127.0.0.1:${statsPort}/healthz`)).ok) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      tmp.remove();
      throw new Error(`haproxy did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { output: () => out, stop };
}
