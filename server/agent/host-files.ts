// The host's /proc and /sys as seen from the agent: `/` on the host itself, `/host` when the agent
// runs in Docker with the host's root mounted there (docs/host.md). Every read answers null on any
// failure, so a missing or unreadable file becomes "not available", never an exception.
import { readdirSync, readFileSync } from 'node:fs';
import { statfs as nodeStatfs } from 'node:fs/promises';
import path from 'node:path';

export interface SpaceInfo {
  sizeBytes: number;
  /** What an ordinary user can still write (statfs f_bavail), as `df` shows it. */
  availableBytes: number;
  usedBytes: number;
}

export interface HostFiles {
  /** Where the host's root is mounted for the agent: `/` or `/host`. */
  readonly root: string;
  /** A host path (e.g. `/proc/stat`) as the agent reaches it. */
  resolve(hostPath: string): string;
  text(hostPath: string): string | null;
  list(hostPath: string): string[] | null;
  /** Null when the path cannot be asked, or while an earlier question about it is still unanswered. */
  space(hostPath: string): Promise<SpaceInfo | null>;
}

/** A hung network mount never answers statfs; after this long the mount is reported as not answering. */
const STATFS_DEADLINE_MS = 2000;

export interface HostFilesOptions {
  /** Tests hand in a statfs that hangs, as one on a dead NFS server does. */
  statfs?: (path: string) => Promise<{ blocks: number; bsize: number; bfree: number; bavail: number }>;
  statfsDeadlineMs?: number;
}

export function hostFiles(root = '/', opts: HostFilesOptions = {}): HostFiles {
  const statfs = opts.statfs ?? nodeStatfs;
  const deadline = opts.statfsDeadlineMs ?? STATFS_DEADLINE_MS;
  const resolve = (hostPath: string) => path.join(root, hostPath);
  // statfs of a dead NFS server blocks a libuv thread forever: ask again only once it has answered,
  // so a hung mount holds one thread, not one per tick.
  const pending = new Set<string>();
  return {
    root,
    resolve,
    // Files under /proc and /sys are generated from kernel memory and never wait for a disk, so a
    // synchronous read is safe here, and several times cheaper than a trip through the thread pool.
    text(hostPath) {
      try {
        return readFileSync(resolve(hostPath), 'utf8');
      } catch {
        return null;
      }
    },
    list(hostPath) {
      try {
        return readdirSync(resolve(hostPath));
      } catch {
        return null;
      }
    },
    async space(hostPath) {
      const where = resolve(hostPath);
      if (pending.has(where)) return null;
      pending.add(where);
      const asked = statfs(where).then(
        (s) => {
          pending.delete(where);
          return s;
        },
        () => {
          pending.delete(where);
          return null;
        },
      );
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<null>((r) => {
        timer = setTimeout(() => r(null), deadline);
        timer.unref();
      });
      const s = await Promise.race([asked, late]);
      clearTimeout(timer);
      if (!s || !(s.blocks > 0) || !(s.bsize > 0)) return null;
      const sizeBytes = s.blocks * s.bsize;
      return {
        sizeBytes,
        availableBytes: s.bavail * s.bsize,
        usedBytes: Math.max(0, (s.blocks - s.bfree) * s.bsize),
      };
    },
  };
}
