// Readers of the host's /proc: CPU times, load, memory and swap, pressure stall information, boot.
// Each parses one file and answers null when it is missing or not in the kernel's format.
import type { HostFiles } from '../host-files.js';

/** Cumulative CPU time over all CPUs, in clock ticks (USER_HZ); rates come from two readings. */
export interface CpuTimes {
  busy: number;
  iowait: number;
  total: number;
  cpus: number;
}

export interface LoadAverage {
  one: number;
  five: number;
  fifteen: number;
}

export interface MemoryInfo {
  totalBytes: number;
  availableBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
}

export interface PressureLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Total stall time in microseconds since boot. */
  totalUs: number;
}

export interface Pressure {
  some: PressureLine;
  /** Absent for cpu on kernels before 5.13. */
  full: PressureLine | null;
}

export type PressureResource = 'cpu' | 'memory' | 'io';

export interface BootInfo {
  /** Changes at every boot: the agent's way to tell "the host rebooted" from "the agent restarted". */
  bootId: string | null;
  /** Milliseconds since the epoch (btime in /proc/stat). */
  bootTime: number | null;
}

const num = (s: string | undefined): number | null => {
  if (s === undefined || s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
};

export function parseCpuTimes(stat: string): CpuTimes | null {
  const lines = stat.split('\n');
  const cpu = lines.find((l) => l.startsWith('cpu '));
  if (!cpu) return null;
  const f = cpu.trim().split(/\s+/).slice(1).map(num);
  if (f.length < 4 || f.some((x) => x === null || x < 0)) return null;
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = f as number[];
  // guest and guest_nice are already counted in user and nice.
  const idleAll = idle! + iowait;
  const total = user! + nice! + system! + idleAll + irq + softirq + steal;
  if (total <= 0) return null;
  const cpus = lines.filter((l) => /^cpu\d+\s/.test(l)).length;
  return { busy: total - idleAll, iowait, total, cpus: Math.max(1, cpus) };
}

export function parseBootTime(stat: string): number | null {
  const m = /^btime\s+(\d+)\s*$/m.exec(stat);
  const s = num(m?.[1]);
  return s !== null && s > 0 ? s * 1000 : null;
}

export function parseLoadAverage(text: string): LoadAverage | null {
  const [one, five, fifteen] = text.trim().split(/\s+/).map(num);
  if (one == null || five == null || fifteen == null) return null;
  return { one, five, fifteen };
}

export function parseMeminfo(text: string): MemoryInfo | null {
  const kb = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([\w()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (m) kb.set(m[1]!, Number(m[2]) * 1024);
  }
  const total = kb.get('MemTotal');
  if (!total) return null;
  // MemAvailable is the kernel's own estimate (since 3.14); before it, free + page cache is the usual stand-in.
  const available =
    kb.get('MemAvailable') ??
    (kb.has('MemFree') ? kb.get('MemFree')! + (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0) : undefined);
  if (available === undefined) return null;
  const swapTotal = kb.get('SwapTotal') ?? 0;
  return {
    totalBytes: total,
    availableBytes: Math.min(available, total),
    swapTotalBytes: swapTotal,
    swapFreeBytes: Math.min(kb.get('SwapFree') ?? swapTotal, swapTotal),
  };
}

function parsePressureLine(line: string | undefined): PressureLine | null {
  if (!line) return null;
  const values = new Map<string, number | null>();
  for (const part of line.trim().split(/\s+/).slice(1)) {
    const [k, v] = part.split('=');
    if (k) values.set(k, num(v));
  }
  const avg10 = values.get('avg10');
  const avg60 = values.get('avg60');
  const avg300 = values.get('avg300');
  const total = values.get('total');
  if (avg10 == null || avg60 == null || avg300 == null || total == null) return null;
  return { avg10, avg60, avg300, totalUs: total };
}

export function parsePressure(text: string): Pressure | null {
  const lines = text.split('\n');
  const some = parsePressureLine(lines.find((l) => l.startsWith('some ')));
  if (!some) return null;
  return { some, full: parsePressureLine(lines.find((l) => l.startsWith('full '))) };
}

const BOOT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function readCpuTimes(files: HostFiles): CpuTimes | null {
  const text = files.text('/proc/stat');
  return text === null ? null : parseCpuTimes(text);
}

export function readLoadAverage(files: HostFiles): LoadAverage | null {
  const text = files.text('/proc/loadavg');
  return text === null ? null : parseLoadAverage(text);
}

export function readMemory(files: HostFiles): MemoryInfo | null {
  const text = files.text('/proc/meminfo');
  return text === null ? null : parseMeminfo(text);
}

/** Null where the kernel has no PSI (before 4.20, or booted with psi=0: the file exists but cannot be read). */
export function readPressure(files: HostFiles, resource: PressureResource): Pressure | null {
  const text = files.text(`/proc/pressure/${resource}`);
  return text === null ? null : parsePressure(text);
}

export function readBoot(files: HostFiles): BootInfo {
  const id = files.text('/proc/sys/kernel/random/boot_id')?.trim() ?? '';
  const stat = files.text('/proc/stat');
  return { bootId: BOOT_ID.test(id) ? id : null, bootTime: stat === null ? null : parseBootTime(stat) };
}
