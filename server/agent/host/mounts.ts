// The host's real filesystems (from init's mountinfo, so the agent in a container sees the host's
// mounts, not its own), their space through statfs, and their I/O counters from /proc/diskstats.
import type { HostFiles, SpaceInfo } from '../host-files.js';

export interface MountEntry {
  mountPoint: string;
  fsType: string;
  source: string;
  /** `major:minor` of the filesystem's device. */
  device: string;
  /** The subtree mounted there: `/` for the filesystem itself, a folder for a bind mount. */
  subtree: string;
}

/** Cumulative counters of one block device. */
export interface DiskCounters {
  name: string;
  readBytes: number;
  writeBytes: number;
  /** Milliseconds the device had I/O in flight: its busy time. */
  ioMs: number;
}

export interface MountReading extends MountEntry {
  space: SpaceInfo | null;
  disk: DiskCounters | null;
}

// Kernel and container plumbing, never where a user's data fills up.
const PSEUDO_TYPES = new Set([
  'autofs',
  'binfmt_misc',
  'bpf',
  'cgroup',
  'cgroup2',
  'configfs',
  'debugfs',
  'devpts',
  'devtmpfs',
  'efivarfs',
  'fusectl',
  'fuse.lxcfs',
  'fuse.gvfsd-fuse',
  'fuse.portal',
  'hugetlbfs',
  'iso9660',
  'mqueue',
  'nsfs',
  'nfsd',
  'overlay',
  'proc',
  'pstore',
  'ramfs',
  'rpc_pipefs',
  'securityfs',
  'selinuxfs',
  'squashfs',
  'erofs',
  'sysfs',
  'tmpfs',
  'tracefs',
]);
const PLUMBING_MOUNTS =
  /^\/(proc|sys|dev|run|snap|var\/lib\/(docker|containerd|kubelet|containers\/storage))(\/|$)/;
/** Enough for a NAS with many disks; a host with hundreds of datasets is summarised by its first ones. */
const MAX_MOUNTS = 64;

/** mountinfo escapes space, tab, newline and backslash as octal. */
const unoctal = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

export function parseMountinfo(text: string): MountEntry[] {
  const entries: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const dash = f.indexOf('-', 6);
    if (dash < 0 || f.length < dash + 3) continue;
    const device = f[2]!;
    if (!/^\d+:\d+$/.test(device)) continue;
    entries.push({
      device,
      subtree: unoctal(f[3]!),
      mountPoint: unoctal(f[4]!),
      fsType: f[dash + 1]!,
      source: unoctal(f[dash + 2]!),
    });
  }
  return entries;
}

/** One entry per filesystem that holds data: no pseudo filesystems, no container layers, no bind-mount repeats. */
export function realFilesystems(entries: MountEntry[]): MountEntry[] {
  const byDevice = new Map<string, MountEntry>();
  for (const e of entries) {
    if (PSEUDO_TYPES.has(e.fsType) || PLUMBING_MOUNTS.test(e.mountPoint)) continue;
    if (!e.mountPoint.startsWith('/')) continue;
    const seen = byDevice.get(e.device);
    const better =
      !seen ||
      (e.subtree === '/' && seen.subtree !== '/') ||
      (e.subtree === seen.subtree && e.mountPoint.length < seen.mountPoint.length);
    if (better) byDevice.set(e.device, e);
  }
  return [...byDevice.values()].sort((a, b) => a.mountPoint.localeCompare(b.mountPoint)).slice(0, MAX_MOUNTS);
}

const SECTOR = 512;

/** Keyed by `major:minor` and by name. */
export function parseDiskstats(text: string): Map<string, DiskCounters> {
  const out = new Map<string, DiskCounters>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 14) continue;
    const [major, minor, name] = f;
    const n = f.slice(3, 14).map(Number);
    if (n.some((x) => !Number.isFinite(x))) continue;
    // reads, merged, sectors read, ms, writes, merged, sectors written, ms, in flight, ms busy, weighted.
    const c = { name: name!, readBytes: n[2]! * SECTOR, writeBytes: n[6]! * SECTOR, ioMs: n[9]! };
    out.set(`${major}:${minor}`, c);
    out.set(name!, c);
  }
  return out;
}

export function readMountEntries(files: HostFiles): MountEntry[] | null {
  // Init's view is the host's, also from inside a container; on the host itself our own view is as good.
  const text =
    files.text('/proc/1/mountinfo') ?? (files.root === '/' ? files.text('/proc/self/mountinfo') : null);
  return text === null ? null : realFilesystems(parseMountinfo(text));
}

/** Null when the mount table cannot be read at all. */
export async function readMounts(files: HostFiles): Promise<MountReading[] | null> {
  const mounts = readMountEntries(files);
  if (mounts === null) return null;
  const statsText = files.text('/proc/diskstats');
  const disks = statsText === null ? new Map<string, DiskCounters>() : parseDiskstats(statsText);
  const diskOf = (m: MountEntry) =>
    disks.get(m.device) ?? (m.source.startsWith('/dev/') ? disks.get(m.source.slice(5)) : undefined) ?? null;
  return Promise.all(
    mounts.map(async (m) => ({ ...m, space: await files.space(m.mountPoint), disk: diskOf(m) })),
  );
}
