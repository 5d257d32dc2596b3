// The readers on this machine's real /proc and /sys: every value the kernel offers here is read,
// and agrees with what Node and the kernel say by other routes.
import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { readMounts } from '../../../../server/agent/host/mounts.js';
import {
  readBoot,
  readCpuTimes,
  readLoadAverage,
  readMemory,
  readPressure,
} from '../../../../server/agent/host/proc-readers.js';
import { HostSampler } from '../../../../server/agent/host/sampler.js';
import { readTemperatures } from '../../../../server/agent/host/temperatures.js';
import { hostFiles } from '../../../../server/agent/host-files.js';
import { systemClock } from '../../../../server/clock.js';
import { HostVitals } from '../../../../shared/protocol/host.js';

const files = hostFiles('/');
const hasPsi = (() => {
  try {
    return readFileSync('/proc/pressure/memory', 'utf8').startsWith('some');
  } catch {
    return false;
  }
})();

describe('host readers on this machine', () => {
  it('reads CPU times for every CPU Node sees', () => {
    const cpu = readCpuTimes(files)!;
    expect(cpu.cpus).toBe(os.cpus().length);
    expect(cpu.total).toBeGreaterThan(cpu.busy);
    expect(cpu.busy).toBeGreaterThan(0);
  });

  it('reads the load average as os.loadavg does', () => {
    const load = readLoadAverage(files)!;
    const [one] = os.loadavg();
    expect(Math.abs(load.one - one!)).toBeLessThan(2);
    expect(load.fifteen).toBeGreaterThanOrEqual(0);
  });

  it('reads total and available memory close to what Node reports', () => {
    const m = readMemory(files)!;
    expect(Math.abs(m.totalBytes - os.totalmem())).toBeLessThan(1024 * 1024);
    expect(m.availableBytes).toBeGreaterThan(0);
    expect(m.availableBytes).toBeLessThanOrEqual(m.totalBytes);
    expect(m.swapFreeBytes).toBeLessThanOrEqual(m.swapTotalBytes);
  });

  it.runIf(hasPsi)('reads pressure stall information for cpu, memory and io', () => {
    for (const r of ['cpu', 'memory', 'io'] as const) {
      const p = readPressure(files, r)!;
      expect(p.some.avg10).toBeGreaterThanOrEqual(0);
      expect(p.some.avg10).toBeLessThanOrEqual(100);
      expect(p.some.totalUs).toBeGreaterThanOrEqual(0);
    }
    expect(readPressure(files, 'memory')!.full).not.toBeNull();
  });

  it('reads the boot id and a boot time that matches the uptime', () => {
    const boot = readBoot(files);
    expect(boot.bootId).toBe(readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    const fromUptime = Date.now() - os.uptime() * 1000;
    expect(Math.abs(boot.bootTime! - fromUptime)).toBeLessThan(5_000);
  });

  it('lists the root filesystem with its space as df sees it, and its disk counters', async () => {
    const mounts = (await readMounts(files))!;
    const root = mounts.find((m) => m.mountPoint === '/')!;
    expect(root).toBeDefined();
    expect(['tmpfs', 'overlay', 'proc', 'sysfs', 'cgroup']).not.toContain(root.fsType);
    const s = statfsSync('/');
    expect(root.space!.sizeBytes).toBe(s.blocks * s.bsize);
    expect(Math.abs(root.space!.availableBytes - s.bavail * s.bsize)).toBeLessThan(64 * 1024 * 1024);
    if (root.source.startsWith('/dev/')) expect(root.disk?.readBytes).toBeGreaterThan(0);
    // No pseudo filesystem, container layer or bind-mount repeat in the list.
    for (const m of mounts) {
      expect(['tmpfs', 'overlay', 'proc', 'sysfs', 'cgroup', 'cgroup2', 'devpts', 'devtmpfs']).not.toContain(
        m.fsType,
      );
      expect(m.mountPoint).not.toMatch(/^\/(proc|sys|dev|run)(\/|$)/);
    }
    expect(new Set(mounts.map((m) => m.device)).size).toBe(mounts.length);
  });

  it('reads temperatures where the machine exposes them, else none', () => {
    const temps = readTemperatures(files);
    for (const t of temps) {
      expect(t.celsius).toBeGreaterThan(-60);
      expect(t.celsius).toBeLessThan(200);
      expect(t.label).not.toBe('');
    }
  });

  it('samples: CPU busy percent and disk rates from two readings, nothing missing but what the machine lacks', async () => {
    const sampler = new HostSampler({
      files,
      clock: systemClock,
      settings: { intervalSeconds: 10, windowMinutes: 10 },
    });
    await sampler.tick();
    // Burn a little CPU so the second reading has ticks to compare.
    const until = Date.now() + 300;
    while (Date.now() < until) Math.sqrt(Math.random());
    const { vitals } = await sampler.tick();
    // What the agent publishes is what the PWA's schema accepts.
    expect(v.safeParse(HostVitals, vitals).issues).toBeUndefined();
    expect(vitals.cpu!.busyPercent).toBeGreaterThan(0);
    expect(vitals.cpu!.busyPercent).toBeLessThanOrEqual(100);
    expect(vitals.memory!.availablePercent).toBeGreaterThan(0);
    expect(vitals.memory!.availablePercent).toBeLessThanOrEqual(100);
    const root = vitals.mounts.find((m) => m.mountPoint === '/')!;
    expect(root.usedPercent).toBeGreaterThan(0);
    expect(root.usedPercent).toBeLessThan(100);
    expect(root.growthBytes).not.toBeNull();
    if (root.source.startsWith('/dev/')) expect(root.writeBytesPerSec).toBeGreaterThanOrEqual(0);
    expect(vitals.boot.bootId).toMatch(/^[0-9a-f-]{36}$/);
    const expectedMissing = hasPsi ? [] : ['pressure stall information'];
    if (readTemperatures(files).length === 0) expectedMissing.push('temperatures');
    expect(vitals.unavailable.map((u) => u.split(':')[0])).toEqual(expect.arrayContaining(expectedMissing));
    expect(vitals.unavailable.filter((u) => !/^(pressure|temperatures)/.test(u))).toEqual([]);
  });
});
