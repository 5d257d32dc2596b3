// Reads the host every `intervalSeconds`, keeps a short history to turn counters into rates and
// levels into growth over the window, has the judge look at each sample, and hands the result on.
import type { ContainerUsage } from '../../../shared/protocol/containers.js';
import type { HostVitals, MountVitals } from '../../../shared/protocol/host.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import type { HostFiles } from '../host-files.js';
import { Series } from '../series.js';
import type { HostSettings } from './config.js';
import type { HostJudge, HostTransition } from './judge.js';
import { type DiskCounters, type MountReading, readMounts } from './mounts.js';
import {
  type BootInfo,
  type CpuTimes,
  type Pressure,
  readBoot,
  readCpuTimes,
  readLoadAverage,
  readMemory,
  readPressure,
} from './proc-readers.js';
import { readTemperatures, type Temperature } from './temperatures.js';
import { topConsumers } from './top-consumers.js';

export interface HostSample {
  vitals: HostVitals;
  /** Every measured container (the vitals carry only the top few). */
  containers: ContainerUsage[];
  transitions: HostTransition[];
}

export interface SamplerOptions {
  files: HostFiles;
  clock: Clock;
  settings: Pick<HostSettings, 'intervalSeconds' | 'windowMinutes'>;
  /** What the containers capability measured last (its `containers.usage` entities); none by default. */
  containers?: () => ContainerUsage[];
  judge?: HostJudge | null;
  onSample?: (sample: HostSample) => void;
  log?: Logger;
}

/** Sensors such as drivetemp ask the disk itself: read them once a minute, not every tick. */
const TEMPERATURE_EVERY_MS = 60_000;
/** Home has the host's vitals soon after the agent starts, not an interval later. */
const FIRST_SAMPLE_MS = 1000;

const pct = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0);

function pressureVitals(p: Pressure | null): HostVitals['pressure']['cpu'] {
  if (!p) return null;
  const line = (l: Pressure['some']) => ({ avg10: l.avg10, avg60: l.avg60, avg300: l.avg300 });
  return { some: line(p.some), full: p.full ? line(p.full) : null };
}

export class HostSampler {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private prevCpu: CpuTimes | null = null;
  private readonly prevDisks = new Map<string, { at: number; c: DiskCounters }>();
  private readonly mountUsed = new Map<string, Series<number>>();
  private readonly capacity: number;
  private temperatures: Temperature[] = [];
  private temperaturesAt = Number.NEGATIVE_INFINITY;
  private boot: BootInfo | null = null;
  private last: HostSample | null = null;

  constructor(private readonly opts: SamplerOptions) {
    const { intervalSeconds, windowMinutes } = opts.settings;
    this.capacity = Math.ceil((windowMinutes * 60) / intervalSeconds) + 2;
  }

  get windowMs(): number {
    return this.opts.settings.windowMinutes * 60_000;
  }

  get latest(): HostSample | null {
    return this.last;
  }

  /** Takes a baseline reading at once, a first sample a second later (rates need two), then one per interval. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.prevCpu = readCpuTimes(this.opts.files);
    const loop = async () => {
      try {
        await this.tick();
      } catch (err) {
        this.opts.log?.warn(`a host sample failed: ${(err as Error)?.message ?? err}`);
      }
      if (this.running) this.timer = setTimeout(loop, this.opts.settings.intervalSeconds * 1000);
    };
    this.timer = setTimeout(loop, Math.min(FIRST_SAMPLE_MS, this.opts.settings.intervalSeconds * 1000));
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** One sample: read, derive, judge, hand on. Tests call it directly with a stepped clock. */
  async tick(): Promise<HostSample> {
    const { files, clock } = this.opts;
    const unavailable: string[] = [];
    const missing = (what: string, file: string) => unavailable.push(`${what}: ${files.resolve(file)}`);

    const cpuTimes = readCpuTimes(files);
    if (!cpuTimes) missing('CPU', '/proc/stat');
    const load = readLoadAverage(files);
    if (!load) missing('load', '/proc/loadavg');
    const mem = readMemory(files);
    if (!mem) missing('memory', '/proc/meminfo');
    const pressure = {
      cpu: readPressure(files, 'cpu'),
      memory: readPressure(files, 'memory'),
      io: readPressure(files, 'io'),
    };
    for (const r of ['cpu', 'memory', 'io'] as const)
      if (!pressure[r]) missing('pressure stall information', `/proc/pressure/${r}`);
    const mounts = await readMounts(files);
    if (!mounts) missing('mounts', '/proc/1/mountinfo');
    const at = clock.now();
    if (at - this.temperaturesAt >= TEMPERATURE_EVERY_MS) {
      this.temperatures = readTemperatures(files);
      this.temperaturesAt = at;
    }
    if (this.temperatures.length === 0) missing('temperatures', '/sys/class/thermal, /sys/class/hwmon');
    this.boot ??= readBoot(files);

    const usage = this.opts.containers?.() ?? [];
    const vias = new Set(usage.map((u) => u.via));

    const vitals: HostVitals = {
      at,
      root: files.root,
      cpu: this.cpuVitals(cpuTimes),
      load,
      memory: mem && {
        totalBytes: mem.totalBytes,
        availableBytes: mem.availableBytes,
        availablePercent: pct(mem.availableBytes, mem.totalBytes),
        swapTotalBytes: mem.swapTotalBytes,
        swapUsedBytes: mem.swapTotalBytes - mem.swapFreeBytes,
        swapUsedPercent:
          mem.swapTotalBytes > 0 ? pct(mem.swapTotalBytes - mem.swapFreeBytes, mem.swapTotalBytes) : null,
      },
      pressure: {
        cpu: pressureVitals(pressure.cpu),
        memory: pressureVitals(pressure.memory),
        io: pressureVitals(pressure.io),
      },
      mounts: this.allMountVitals(mounts ?? [], at),
      temperatures: this.temperatures,
      boot: { bootId: this.boot.bootId, bootTime: this.boot.bootTime },
      containers: {
        measured: usage.length,
        source: vias.size === 0 ? null : vias.size === 2 ? 'mixed' : [...vias][0]!,
      },
      top: topConsumers(usage),
      alerts: [],
      windowMs: this.windowMs,
      unavailable,
    };
    const judge = this.opts.judge ?? null;
    const transitions = judge ? judge.evaluate(vitals, usage, at) : [];
    if (judge) vitals.alerts = judge.active(at);
    const sample = { vitals, containers: usage, transitions };
    this.last = sample;
    this.opts.onSample?.(sample);
    return sample;
  }

  private cpuVitals(now: CpuTimes | null): HostVitals['cpu'] {
    const prev = this.prevCpu;
    if (now) this.prevCpu = now;
    if (!now || !prev) return null;
    const total = now.total - prev.total;
    // No tick has passed (two reads within 10 ms), or the counters went back (a different host).
    if (total <= 0 || now.busy < prev.busy) return null;
    return {
      busyPercent: pct(now.busy - prev.busy, total),
      iowaitPercent: pct(Math.max(0, now.iowait - prev.iowait), total),
      cpus: now.cpus,
    };
  }

  private allMountVitals(mounts: MountReading[], at: number): MountVitals[] {
    const out = mounts.map((m) => this.mountVitals(m, at));
    const present = new Set(mounts.map((m) => m.mountPoint));
    for (const k of this.mountUsed.keys()) if (!present.has(k)) this.mountUsed.delete(k);
    return out;
  }

  private mountVitals(m: MountReading, at: number): MountVitals {
    let read: number | null = null;
    let write: number | null = null;
    let busy: number | null = null;
    if (m.disk) {
      const prev = this.prevDisks.get(m.device);
      this.prevDisks.set(m.device, { at, c: m.disk });
      const ms = prev ? at - prev.at : 0;
      if (prev && ms > 0 && m.disk.readBytes >= prev.c.readBytes && m.disk.writeBytes >= prev.c.writeBytes) {
        read = ((m.disk.readBytes - prev.c.readBytes) * 1000) / ms;
        write = ((m.disk.writeBytes - prev.c.writeBytes) * 1000) / ms;
        busy = Math.min(100, pct(Math.max(0, m.disk.ioMs - prev.c.ioMs), ms));
      }
    }
    let growth: number | null = null;
    if (m.space) {
      let s = this.mountUsed.get(m.mountPoint);
      if (!s) {
        s = new Series<number>(this.capacity);
        this.mountUsed.set(m.mountPoint, s);
      }
      s.push(at, m.space.usedBytes);
      const first = s.oldestSince(at - this.windowMs);
      if (first && first.at < at) growth = m.space.usedBytes - first.value;
    }
    return {
      mountPoint: m.mountPoint,
      fsType: m.fsType,
      source: m.source,
      sizeBytes: m.space?.sizeBytes ?? null,
      usedBytes: m.space?.usedBytes ?? null,
      availableBytes: m.space?.availableBytes ?? null,
      // As df computes Use%: used over what users can reach (used + available), not the raw size.
      usedPercent: m.space ? pct(m.space.usedBytes, m.space.usedBytes + m.space.availableBytes) : null,
      growthBytes: growth,
      readBytesPerSec: read,
      writeBytesPerSec: write,
      busyPercent: busy,
    };
  }
}
