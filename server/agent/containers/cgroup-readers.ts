// Per-container usage straight from the kernel's cgroup files: a handful of small reads per
// container, instead of one streamed stats request each (the engine itself reads these files).
// Four layouts exist, by cgroup version and Docker's cgroup driver.
import type { HostFiles } from '../host-files.js';

export type CgroupLayout = 'v1-cgroupfs' | 'v1-systemd' | 'v2-systemd' | 'v2-cgroupfs';
export const CGROUP_LAYOUTS: readonly CgroupLayout[] = [
  'v1-cgroupfs',
  'v1-systemd',
  'v2-systemd',
  'v2-cgroupfs',
];

/** Cumulative counters and levels of one container at one moment. */
export interface UsageReading {
  /** Like `docker stats`: usage without the inactive page cache the kernel can drop at once. */
  memoryBytes: number;
  /** Null when unlimited. */
  memoryLimitBytes: number | null;
  /** CPU time in nanoseconds since the container started. */
  cpuNs: number | null;
  readBytes: number | null;
  writeBytes: number | null;
}

const CG = '/sys/fs/cgroup';

/** Where a container's cgroup lives, per controller (one folder for all on v2). */
export function cgroupDirs(layout: CgroupLayout, id: string): { memory: string; cpu: string; io: string } {
  switch (layout) {
    case 'v1-cgroupfs':
      return {
        memory: `${CG}/memory/docker/${id}`,
        cpu: `${CG}/cpuacct/docker/${id}`,
        io: `${CG}/blkio/docker/${id}`,
      };
    case 'v1-systemd': {
      const scope = `system.slice/docker-${id}.scope`;
      return { memory: `${CG}/memory/${scope}`, cpu: `${CG}/cpuacct/${scope}`, io: `${CG}/blkio/${scope}` };
    }
    case 'v2-systemd': {
      const dir = `${CG}/system.slice/docker-${id}.scope`;
      return { memory: dir, cpu: dir, io: dir };
    }
    case 'v2-cgroupfs': {
      const dir = `${CG}/docker/${id}`;
      return { memory: dir, cpu: dir, io: dir };
    }
  }
}

/** The layouts to try, the engine's own first (from `docker info`: CgroupVersion, CgroupDriver). */
export function layoutOrder(version: string | null, driver: string | null): CgroupLayout[] {
  const v = version === '2' ? 'v2' : version === '1' ? 'v1' : null;
  const d = driver === 'systemd' ? 'systemd' : driver === 'cgroupfs' ? 'cgroupfs' : null;
  const first = CGROUP_LAYOUTS.filter((l) => (!v || l.startsWith(v)) && (!d || l.endsWith(d)));
  return [...first, ...CGROUP_LAYOUTS.filter((l) => !first.includes(l))];
}

const memoryFile = (layout: CgroupLayout) =>
  layout.startsWith('v1') ? 'memory.usage_in_bytes' : 'memory.current';

/** The layout under which this container's cgroup is visible to the agent, or null (a remote engine). */
export function findLayout(
  files: HostFiles,
  id: string,
  order: readonly CgroupLayout[],
): CgroupLayout | null {
  for (const layout of order)
    if (files.text(`${cgroupDirs(layout, id).memory}/${memoryFile(layout)}`) !== null) return layout;
  return null;
}

const int = (text: string | null): number | null => {
  if (text === null) return null;
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
};

/** `key value` lines (memory.stat, cpu.stat). */
export function statValue(text: string | null, key: string): number | null {
  if (text === null) return null;
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

/** v1 "no limit" is PAGE_COUNTER_MAX in bytes (about 9.2e18); anything beyond any real RAM is no limit. */
const UNLIMITED = 2 ** 60;

function limitOf(text: string | null): number | null {
  if (text === null || text.trim() === 'max') return null;
  const n = int(text);
  return n === null || n >= UNLIMITED ? null : n;
}

/** blkio `8:0 Read 4096` lines, summed over devices. */
export function parseBlkio(text: string | null): { read: number; write: number } | null {
  if (text === null) return null;
  let read = 0;
  let write = 0;
  let seen = false;
  for (const line of text.split('\n')) {
    const m = /^\d+:\d+ (Read|Write) (\d+)$/.exec(line.trim());
    if (!m) continue;
    seen = true;
    if (m[1] === 'Read') read += Number(m[2]);
    else write += Number(m[2]);
  }
  // An idle container has only a `Total 0` line: zero, not unknown.
  return seen || /^Total \d+$/m.test(text) ? { read, write } : null;
}

/** io.stat `8:0 rbytes=… wbytes=… rios=…` lines, summed over devices. */
export function parseIoStat(text: string | null): { read: number; write: number } | null {
  if (text === null) return null;
  let read = 0;
  let write = 0;
  for (const line of text.split('\n')) {
    read += Number(/\brbytes=(\d+)/.exec(line)?.[1] ?? 0);
    write += Number(/\bwbytes=(\d+)/.exec(line)?.[1] ?? 0);
  }
  return { read, write };
}

/** Null when the container's memory cannot be read (it stopped meanwhile, or the files are not the kernel's). */
export function readCgroupUsage(files: HostFiles, layout: CgroupLayout, id: string): UsageReading | null {
  const dirs = cgroupDirs(layout, id);
  if (layout.startsWith('v1')) {
    const usage = int(files.text(`${dirs.memory}/memory.usage_in_bytes`));
    if (usage === null) return null;
    const inactive = statValue(files.text(`${dirs.memory}/memory.stat`), 'total_inactive_file') ?? 0;
    const io =
      parseBlkio(files.text(`${dirs.io}/blkio.throttle.io_service_bytes_recursive`)) ??
      parseBlkio(files.text(`${dirs.io}/blkio.throttle.io_service_bytes`)) ??
      parseBlkio(files.text(`${dirs.io}/blkio.io_service_bytes_recursive`));
    return {
      memoryBytes: Math.max(0, usage - inactive),
      memoryLimitBytes: limitOf(files.text(`${dirs.memory}/memory.limit_in_bytes`)),
      cpuNs: int(files.text(`${dirs.cpu}/cpuacct.usage`)),
      readBytes: io?.read ?? null,
      writeBytes: io?.write ?? null,
    };
  }
  const current = int(files.text(`${dirs.memory}/memory.current`));
  if (current === null) return null;
  const inactive = statValue(files.text(`${dirs.memory}/memory.stat`), 'inactive_file') ?? 0;
  const usec = statValue(files.text(`${dirs.cpu}/cpu.stat`), 'usage_usec');
  const io = parseIoStat(files.text(`${dirs.io}/io.stat`));
  return {
    memoryBytes: Math.max(0, current - inactive),
    memoryLimitBytes: limitOf(files.text(`${dirs.memory}/memory.max`)),
    cpuNs: usec === null ? null : usec * 1000,
    readBytes: io?.read ?? null,
    writeBytes: io?.write ?? null,
  };
}

/** The memory limit as the kernel enforces it (what `docker update` must have changed); null if unreadable. */
export function readCgroupMemoryLimit(
  files: HostFiles,
  layout: CgroupLayout,
  id: string,
): number | 'unlimited' | null {
  const dir = cgroupDirs(layout, id).memory;
  const text = files.text(`${dir}/${layout.startsWith('v1') ? 'memory.limit_in_bytes' : 'memory.max'}`);
  if (text === null) return null;
  if (text.trim() === 'max') return 'unlimited';
  const n = int(text);
  return n === null ? null : n >= UNLIMITED ? 'unlimited' : n;
}
