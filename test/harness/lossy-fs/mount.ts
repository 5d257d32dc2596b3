// Mounts lossy-fs (lossy_fs.py beside this file) over a backing folder: a filesystem whose
// un-fsynced writes are really gone after `cut()`. See README.md here for the model.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./lossy_fs.py', import.meta.url));
// Debian's interpreter, where python3-fusepy installs (not a pyenv or venv one first on PATH).
const PYTHON = '/usr/bin/python3';
const FSTYPE = 'fuse.lossy';

export type CutKind = 'drop' | 'tear';

export interface LossyFs {
  readonly backing: string;
  readonly mountpoint: string;
  /**
   * The power cut: the layer dies and the mount is detached. `drop` loses everything not fsynced;
   * `tear` first lets a random part of it reach the disk (sectors, sizes, a prefix of the name
   * journal), as a disk that had written part of its cache. Resolves to the layer's summary.
   */
  cut(how?: CutKind): Promise<string>;
  /** Mounts again on the same backing folder, as the machine's next boot would. */
  mount(): Promise<void>;
  /** Unmounts for good; safe to call twice, and after a cut. */
  unmount(): Promise<void>;
}

/** Why lossy-fs cannot run on this machine, or null if it can. */
export function lossyFsUnavailable(): string | null {
  if (!existsSync('/dev/fuse'))
    return '/dev/fuse is absent (a container without FUSE): power-cut tests skipped';
  return null;
}

// Mount points still attached, detached on the way out even when a test failed or threw.
const live = new Map<string, ChildProcess>();
process.on('exit', () => {
  for (const [mountpoint, child] of live) {
    child.kill('SIGKILL');
    detach(mountpoint);
  }
});

function detach(mountpoint: string): void {
  spawnSync('umount', ['-l', mountpoint], { stdio: 'ignore' });
}

function mountpoints(): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => f[2] === FSTYPE)
    .map((f) => f[1]!.replace(/\\040/g, ' '));
}

/** Detaches lossy-fs mounts whose layer is dead (a test run killed before its clean-up). */
export function sweepDeadMounts(): void {
  for (const mountpoint of mountpoints()) {
    try {
      statSync(mountpoint);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOTCONN') detach(mountpoint);
    }
  }
}

export async function mountLossyFs(backing: string, mountpoint: string): Promise<LossyFs> {
  sweepDeadMounts();
  mkdirSync(backing, { recursive: true });
  mkdirSync(mountpoint, { recursive: true });
  let layer: Layer | null = null;

  const mount = async () => {
    if (layer) throw new Error(`lossy-fs is already mounted on ${mountpoint}`);
    layer = await start(backing, mountpoint);
    live.set(mountpoint, layer.child);
  };
  const cut = async (how: CutKind = 'drop') => {
    const l = layer;
    if (!l) return '';
    layer = null;
    const { child } = l;
    const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
    if (how === 'tear') {
      // Looking up this name makes the layer write part of what is pending and die.
      await stat(path.join(mountpoint, '.lossy-fs-tear')).catch(() => undefined);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    }
    child.kill('SIGKILL');
    await exited;
    detach(mountpoint);
    live.delete(mountpoint);
    return how === 'tear' ? (l.output().match(/torn: .*/)?.[0] ?? 'torn: no summary') : 'dropped';
  };
  await mount();
  return {
    backing,
    mountpoint,
    cut,
    mount,
    unmount: async () => {
      await cut();
    },
  };
}

interface Layer {
  child: ChildProcess;
  output: () => string;
}

function start(backing: string, mountpoint: string): Promise<Layer> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [SCRIPT, backing, mountpoint], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lossy-fs did not mount ${mountpoint} within 10 s:\n${out}`));
    }, 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('lossy-fs: mounted')) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    });
    // The layer's own errors (a bug in it) must be seen, not swallowed.
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
      process.stderr.write(`[lossy-fs] ${d}`);
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(
        new Error(`cannot run ${PYTHON} (${e.message}): install python3-fusepy (scripts/test-deps.mjs)`),
      );
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lossy-fs exited with ${code} before mounting ${mountpoint}:\n${out}`));
    });
  });
}
