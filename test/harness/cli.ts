// Runs the real `lifeline` executable (bin/lifeline.js on the built dist/).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/lifeline.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    input?: string;
    /** A command that must end by itself: past this it is killed and the call rejects. */
    timeoutMs?: number;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd,
      env: { ...process.env, LIFELINE_LOG: 'warn', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`${args.join(' ')} kept running past ${opts.timeoutMs} ms`));
          }, opts.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    // A command that exits before reading its input closes the pipe first: not an error of the test.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Starts a long-running command and resolves once its stdout matches `ready`. */
export function startCli(
  args: string[],
  ready: RegExp,
  opts: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    timeoutMs?: number;
    /** Run it on a pseudo-terminal (util-linux `script`), as a person at a terminal would. */
    tty?: boolean;
  } = {},
): Promise<{
  child: ChildProcess;
  output: () => string;
  match: RegExpMatchArray;
  stop: () => Promise<void>;
}> {
  return new Promise((resolve, reject) => {
    const quote = (a: string) => `'${a.replaceAll("'", "'\\''")}'`;
    const child = opts.tty
      ? spawn('script', ['-qfec', [process.execPath, BIN, ...args].map(quote).join(' '), '/dev/null'], {
          cwd: opts.cwd,
          env: { ...process.env, LIFELINE_LOG: 'warn', ...opts.env },
          stdio: ['pipe', 'pipe', 'pipe'],
          // Its own process group, so stop() ends `script` and the command under it together.
          detached: true,
        })
      : spawn(process.execPath, [BIN, ...args], {
          cwd: opts.cwd,
          env: { ...process.env, LIFELINE_LOG: 'warn', ...opts.env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
    let out = '';
    let done = false;
    const timer = setTimeout(() => {
      if (!done) {
        child.kill('SIGKILL');
        reject(new Error(`timed out waiting for ${ready}; output:\n${out}`));
      }
    }, opts.timeoutMs ?? 20_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(ready);
      if (m && !done) {
        done = true;
        clearTimeout(timer);
        resolve({
          child,
          output: () => out,
          match: m,
          stop: () =>
            new Promise<void>((r) => {
              if (child.exitCode !== null || child.signalCode !== null) return r();
              child.once('exit', () => r());
              if (opts.tty && child.pid) process.kill(-child.pid, 'SIGTERM');
              else child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      if (!done) {
        done = true;
        clearTimeout(timer);
        reject(new Error(`exited with ${code} before ready; output:\n${out}`));
      }
    });
  });
}

/** The first port the kernel hands out on its own (outgoing connections, bind to port 0). */
const EPHEMERAL_LOW = (() => {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > 12_000 ? low : 32_768;
  } catch {
    return 32_768;
  }
})();
/** Each test worker picks from its own slice, so two workers never hand out the same port. */
const SLICE = 1000;
const slices = Math.max(1, Math.floor((EPHEMERAL_LOW - 10_000) / SLICE));
const sliceLow = 10_000 + ((Number(process.env.VITEST_POOL_ID ?? 1) - 1) % slices) * SLICE;
const handedOut = new Set<number>();

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/**
 * A port free now, for a server the test starts later (often in another process). It comes from
 * below the kernel's ephemeral range: a port from that range can be taken, between this pick and
 * the bind, by any outgoing connection's source port — with several relays, agents and HAProxy
 * connecting at once, that happened ("address already in use").
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    if (handedOut.size >= SLICE * 0.9) handedOut.clear();
    const port = sliceLow + Math.floor(Math.random() * SLICE);
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port in ${sliceLow}–${sliceLow + SLICE - 1}`);
}

/**
 * Starts a server on a free port, and on another if that one was taken between the pick and the
 * bind: `launch(port)` starts it, `undo()` stops what a failed launch left. Throws the last failure.
 */
export async function launchOnFreePort(
  launch: (port: number) => Promise<void>,
  undo: () => Promise<void>,
  tries: number,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    try {
      await launch(port);
      return port;
    } catch (err) {
      await undo();
      if (attempt >= tries) throw err;
    }
  }
}
