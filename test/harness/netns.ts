// Private networks for tests: network namespaces joined by veth pairs, so real broadcasts, ARP and
// TCP run without touching the host's own network. An "agent" namespace holds a bridge (one LAN,
// 10.231.N.0/24) and each machine is a namespace of its own plugged into it. Only addresses
// inside these namespaces are ever used, and close() deletes everything, even after a failure.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';

const PREFIX = 'llw-';

export interface Machine {
  ns: string;
  ip: string;
  mac: string;
}

export interface Lab {
  agentNs: string;
  /** First three octets of the lab's /24. */
  net: string;
  agentIp: string;
  broadcast: string;
  /** A machine namespace with its own veth into the lab's bridge; `mac` is its card's MAC. */
  addMachine(mac: string): Machine;
  /** Runs `ip` inside a namespace. */
  ip(ns: string, ...args: string[]): string;
  /** Starts a process inside a namespace; it is killed by close(). */
  spawn(
    ns: string,
    command: string,
    args: string[],
    opts?: { env?: NodeJS.ProcessEnv; cwd?: string },
  ): ChildProcess;
  close(): Promise<void>;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Deletes namespaces left by test runs that were killed before their teardown. */
function sweepStale(): void {
  for (const line of ip('netns', 'list').split('\n')) {
    const name = line.split(' ')[0] ?? '';
    if (!name.startsWith(PREFIX)) continue;
    const pid = Number(name.split('-')[1]);
    try {
      process.kill(pid, 0);
    } catch {
      try {
        ip('netns', 'del', name);
      } catch {}
    }
  }
}

export function createLab(): Lab {
  if (process.getuid?.() !== 0)
    throw new Error('the Wake-on-LAN tests create network namespaces: run them as root (CAP_NET_ADMIN)');
  sweepStale();
  const id = `${PREFIX}${process.pid}-${randomBytes(3).toString('hex')}`;
  const octet = 1 + (randomBytes(1)[0]! % 254);
  const net = `10.231.${octet}`;
  const agentNs = `${id}-a`;
  const namespaces: string[] = [];
  const children = new Set<ChildProcess>();
  const addNs = (name: string) => {
    ip('netns', 'add', name);
    namespaces.push(name);
    ip('-n', name, 'link', 'set', 'lo', 'up');
  };

  const lab: Lab = {
    agentNs,
    net,
    agentIp: `${net}.1`,
    broadcast: `${net}.255`,
    addMachine(mac) {
      const n = namespaces.length;
      const ns = `${id}-m${n}`;
      addNs(ns);
      const port = `m${n}`;
      ip('-n', agentNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      ip('-n', agentNs, 'link', 'set', port, 'master', 'br0', 'up');
      ip('-n', ns, 'link', 'set', 'eth0', 'address', mac);
      const address = `${net}.${10 + n}`;
      ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      return { ns, ip: address, mac };
    },
    ip: (ns, ...args) => ip('-n', ns, ...args),
    spawn(ns, command, args, opts = {}) {
      const child = spawn('ip', ['netns', 'exec', ns, command, ...args], {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, ...opts.env },
        cwd: opts.cwd,
      });
      children.add(child);
      child.once('exit', () => children.delete(child));
      return child;
    },
    async close() {
      await Promise.all([...children].map(stopChild));
      for (const ns of namespaces.reverse())
        try {
          ip('netns', 'del', ns);
        } catch {}
    },
  };

  try {
    addNs(agentNs);
    ip('-n', agentNs, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', agentNs, 'addr', 'add', `${lab.agentIp}/24`, 'dev', 'br0');
    ip('-n', agentNs, 'link', 'set', 'br0', 'up');
  } catch (err) {
    void lab.close();
    throw err;
  }
  return lab;
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** JSON lines a child writes on stdout, with a way to wait for one that matches. */
export function jsonLines<T extends { t: string }>(child: ChildProcess) {
  const seen: T[] = [];
  const waiters = new Set<{ test: (e: T) => boolean; resolve: (e: T) => void }>();
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let event: T;
    try {
      event = JSON.parse(line) as T;
    } catch {
      return;
    }
    seen.push(event);
    for (const w of waiters)
      if (w.test(event)) {
        waiters.delete(w);
        w.resolve(event);
      }
  });
  return {
    seen,
    stderr: () => stderr,
    next(test: (e: T) => boolean, timeoutMs = 20_000, what = 'an event'): Promise<T> {
      const found = seen.find(test);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const w = {
          test,
          resolve: (e: T) => {
            clearTimeout(timer);
            resolve(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`timed out waiting for ${what}; stderr: ${stderr.slice(-500)}`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
  };
}
