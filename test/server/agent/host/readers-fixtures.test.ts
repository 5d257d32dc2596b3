// The readers on fake /proc and /sys trees: kernels and machines this one is not (no PSI, psi=0,
// sensors, NAS mount tables), and files that are missing or not in the kernel's format. Nothing
// here may throw: what cannot be read is "not available", named with its path.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readMountEntries, readMounts } from '../../../../server/agent/host/mounts.js';
import { readMemory, readPressure } from '../../../../server/agent/host/proc-readers.js';
import { HostSampler } from '../../../../server/agent/host/sampler.js';
import { readTemperatures } from '../../../../server/agent/host/temperatures.js';
import { hostFiles } from '../../../../server/agent/host-files.js';
import { type FakeHost, fakeHost, meminfoFile, pressureFile } from '../../../harness/fake-host.js';

const GiB = 1024 ** 3;
let host: FakeHost | null = null;
afterEach(() => {
  host?.close();
  host = null;
});

function steppedClock(start = 1_800_000_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

const sampler = (h: FakeHost, clock = steppedClock()) =>
  new HostSampler({ files: h.files, clock, settings: { intervalSeconds: 10, windowMinutes: 10 } });

describe('host readers on fake trees', () => {
  it('reports every reading as not available, with its path, on an empty root', async () => {
    host = fakeHost();
    const { vitals } = await sampler(host).tick();
    expect(vitals.cpu).toBeNull();
    expect(vitals.load).toBeNull();
    expect(vitals.memory).toBeNull();
    expect(vitals.pressure).toEqual({ cpu: null, memory: null, io: null });
    expect(vitals.mounts).toEqual([]);
    expect(vitals.temperatures).toEqual([]);
    expect(vitals.boot).toEqual({ bootId: null, bootTime: null });
    expect(vitals.unavailable).toContain(`memory: ${path.join(host.root, '/proc/meminfo')}`);
    expect(vitals.unavailable).toContain(
      `pressure stall information: ${path.join(host.root, '/proc/pressure/memory')}`,
    );
    expect(vitals.unavailable).toContain(`mounts: ${path.join(host.root, '/proc/1/mountinfo')}`);
  });

  it('survives files that are not in the kernel format', async () => {
    host = fakeHost({
      '/proc/stat': 'cpu  a b c d\nbtime soon\n',
      '/proc/loadavg': 'high higher highest\n',
      '/proc/meminfo': 'MemFree: lots\n',
      '/proc/pressure/cpu': 'some avg10=abc avg60=1 avg300=1 total=1\n',
      '/proc/pressure/memory': '\u0000\u0001\u0002',
      '/proc/pressure/io': '',
      '/proc/1/mountinfo': 'garbage\n1 2 3\n27 1 x:y / / rw - ext4 /dev/vda rw\n',
      '/proc/diskstats': '254 0 vda 1 2\n',
      '/proc/sys/kernel/random/boot_id': 'not-a-uuid\n',
      '/sys/class/thermal/thermal_zone0/temp': 'hot\n',
      '/sys/class/hwmon/hwmon0/temp1_input': '999999999\n',
    });
    const { vitals } = await sampler(host).tick();
    expect(vitals.cpu).toBeNull();
    expect(vitals.load).toBeNull();
    expect(vitals.memory).toBeNull();
    expect(vitals.pressure).toEqual({ cpu: null, memory: null, io: null });
    expect(vitals.mounts).toEqual([]);
    expect(vitals.temperatures).toEqual([]);
    expect(vitals.boot).toEqual({ bootId: null, bootTime: null });
  });

  it('says pressure is not available on a kernel booted with psi=0 (the files exist but cannot be read)', () => {
    host = fakeHost();
    // Reading a folder fails as reading a psi=0 pressure file does (EOPNOTSUPP): both are "cannot read".
    mkdirSync(path.join(host.root, '/proc/pressure/memory'), { recursive: true });
    expect(readPressure(host.files, 'memory')).toBeNull();
  });

  it('reads pressure without a full line for cpu on kernels before 5.13', () => {
    host = fakeHost({ '/proc/pressure/cpu': pressureFile(42.5, null, 123456) });
    expect(readPressure(host.files, 'cpu')).toEqual({
      some: { avg10: 42.5, avg60: 21.25, avg300: 10.63, totalUs: 123456 },
      full: null,
    });
  });

  it('estimates available memory on kernels without MemAvailable', () => {
    host = fakeHost({
      '/proc/meminfo': 'MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n',
    });
    expect(readMemory(host.files)).toEqual({
      totalBytes: 1000 * 1024,
      availableBytes: 400 * 1024,
      swapTotalBytes: 0,
      swapFreeBytes: 0,
    });
  });

  it("lists a NAS's real filesystems from init's mount table, and skips the plumbing", async () => {
    const mountinfo = [
      '22 27 0:21 / /proc rw,relatime - proc proc rw',
      '23 27 0:22 / /sys rw,relatime - sysfs sysfs rw',
      '24 27 0:6 / /dev rw,relatime - devtmpfs udev rw',
      '25 27 0:23 / /run rw - tmpfs tmpfs rw',
      '27 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw',
      '28 27 8:1 / /boot/efi rw - vfat /dev/sda1 rw',
      '29 27 0:40 / /srv/media\\040library rw - btrfs /dev/sdb rw',
      '30 27 0:41 / /tank rw - zfs tank rw',
      '31 27 0:42 / /mnt/backup rw - nfs4 nas:/backup rw',
      '32 27 0:50 / /var/lib/docker/overlay2/abc/merged rw - overlay overlay rw',
      '33 27 8:2 /srv/appdata /var/lib/docker/volumes/x rw - ext4 /dev/sda2 rw',
      '34 27 8:2 /home /home rw - ext4 /dev/sda2 rw',
      '35 27 7:0 / /snap/core/1 ro - squashfs /dev/loop0 ro',
      '36 31 0:60 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw',
      '37 27 0:61 / /tmp rw - tmpfs tmpfs rw',
      '',
    ].join('\n');
    host = fakeHost({
      '/proc/1/mountinfo': mountinfo,
      '/proc/diskstats': [
        '   8       0 sda 100 0 2000 10 50 0 4000 20 0 30 30 0 0 0 0',
        '   8       2 sda2 100 0 2000 10 50 0 4000 20 0 30 30 0 0 0 0',
        '   8      16 sdb 7 0 16 1 9 0 32 1 0 2 2 0 0 0 0',
      ].join('\n'),
    });
    for (const p of ['/', '/boot/efi', '/srv/media library', '/tank'])
      mkdirSync(path.join(host.root, p), { recursive: true });
    const entries = readMountEntries(host.files)!;
    expect(entries.map((e) => [e.mountPoint, e.fsType])).toEqual([
      ['/', 'ext4'],
      ['/boot/efi', 'vfat'],
      ['/mnt/backup', 'nfs4'],
      ['/srv/media library', 'btrfs'],
      ['/tank', 'zfs'],
    ]);
    const mounts = (await readMounts(host.files))!;
    const byPoint = new Map(mounts.map((m) => [m.mountPoint, m]));
    // Counters by device number, or by the source's device name (btrfs has an anonymous device number).
    expect(byPoint.get('/')!.disk).toEqual({
      name: 'sda2',
      readBytes: 2000 * 512,
      writeBytes: 4000 * 512,
      ioMs: 30,
    });
    expect(byPoint.get('/srv/media library')!.disk?.name).toBe('sdb');
    expect(byPoint.get('/tank')!.disk).toBeNull();
    // Space comes from statfs on the mount point under the root; a missing one is not available.
    expect(byPoint.get('/')!.space!.sizeBytes).toBeGreaterThan(0);
    expect(byPoint.get('/mnt/backup')!.space).toBeNull();
  });

  it('does not wait for a hung network mount, and asks it again only once it has answered', async () => {
    host = fakeHost({
      '/proc/1/mountinfo':
        '27 1 254:0 / / rw - ext4 /dev/vda rw\n31 27 0:42 / /mnt/nas rw - nfs4 nas:/share rw\n',
    });
    const asked: string[] = [];
    // The NAS hangs until answer() is called, then answers at once, as a server that came back.
    let answer: (() => void) | null = null;
    let hung = true;
    const files = hostFiles(host.root, {
      statfsDeadlineMs: 50,
      statfs: (p) => {
        asked.push(p);
        const s = { blocks: 100, bsize: 4096, bfree: 50, bavail: 40 };
        if (!p.endsWith('/mnt/nas') || !hung) return Promise.resolve(s);
        return new Promise((r) => {
          answer = () => {
            hung = false;
            r(s);
          };
        });
      },
    });
    const space = async () => new Map((await readMounts(files))!.map((m) => [m.mountPoint, m.space]));
    const first = await space();
    expect(first.get('/')?.sizeBytes).toBe(100 * 4096);
    expect(first.get('/mnt/nas')).toBeNull();
    await space();
    // Still hanging: not asked a second time (a hung statfs holds a thread of the pool).
    expect(asked.filter((p) => p.endsWith('/mnt/nas'))).toHaveLength(1);
    answer!();
    await new Promise((r) => setImmediate(r));
    expect((await space()).get('/mnt/nas')).toEqual({
      sizeBytes: 409600,
      availableBytes: 163840,
      usedBytes: 204800,
    });
    expect(asked.filter((p) => p.endsWith('/mnt/nas'))).toHaveLength(2);
  });

  it('turns disk counters into rates and busy time between two samples', async () => {
    const clock = steppedClock();
    host = fakeHost({
      '/proc/1/mountinfo': '27 1 254:0 / / rw - ext4 /dev/vda rw\n',
      '/proc/diskstats': ' 254 0 vda 0 0 1000 0 0 0 2000 0 0 500 0 0 0 0 0\n',
    });
    const s = sampler(host, clock);
    const first = await s.tick();
    expect(first.vitals.mounts[0]!.writeBytesPerSec).toBeNull();
    clock.advance(10_000);
    // 10 s later: 20 MiB read, 40 MiB written, busy 2.5 s of the 10.
    host.write(
      '/proc/diskstats',
      ` 254 0 vda 0 0 ${1000 + 40960} 0 0 0 ${2000 + 81920} 0 0 3000 0 0 0 0 0\n`,
    );
    const { vitals } = await s.tick();
    expect(vitals.mounts[0]).toMatchObject({
      readBytesPerSec: (20 * 1024 * 1024) / 10,
      writeBytesPerSec: (40 * 1024 * 1024) / 10,
      busyPercent: 25,
    });
  });

  it('reads thermal zones and hwmon sensors with their labels, skipping broken ones', () => {
    host = fakeHost({
      '/sys/class/thermal/thermal_zone0/temp': '45000\n',
      '/sys/class/thermal/thermal_zone0/type': 'x86_pkg_temp\n',
      '/sys/class/thermal/cooling_device0/cur_state': '0\n',
      '/sys/class/hwmon/hwmon0/name': 'nvme\n',
      '/sys/class/hwmon/hwmon0/temp1_input': '38850\n',
      '/sys/class/hwmon/hwmon0/temp1_label': 'Composite\n',
      '/sys/class/hwmon/hwmon1/name': 'drivetemp\n',
      '/sys/class/hwmon/hwmon1/temp1_input': '31000\n',
      '/sys/class/hwmon/hwmon2/name': 'broken\n',
      '/sys/class/hwmon/hwmon2/temp1_input': '-273150\n',
    });
    expect(readTemperatures(host.files)).toEqual([
      { sensor: 'thermal_zone0', label: 'x86_pkg_temp', celsius: 45 },
      { sensor: 'hwmon0/temp1', label: 'nvme Composite', celsius: 38.9 },
      { sensor: 'hwmon1/temp1', label: 'drivetemp', celsius: 31 },
    ]);
  });

  it('computes CPU busy and iowait percent, memory and swap from a fixture host', async () => {
    const clock = steppedClock();
    host = fakeHost({
      '/proc/stat': 'cpu  100 0 100 700 100 0 0 0 0 0\ncpu0 1 1 1 1\ncpu1 1 1 1 1\nbtime 1795968131\n',
      '/proc/meminfo': meminfoFile({
        total: 16 * GiB,
        available: 2 * GiB,
        swapTotal: 4 * GiB,
        swapFree: 1 * GiB,
      }),
      '/proc/sys/kernel/random/boot_id': '63ef0c82-a812-489f-9822-048485d48a35\n',
    });
    const s = sampler(host, clock);
    s.start();
    s.stop();
    host.write(
      '/proc/stat',
      'cpu  250 0 150 750 150 0 0 0 0 0\ncpu0 1 1 1 1\ncpu1 1 1 1 1\nbtime 1795968131\n',
    );
    const { vitals } = await s.tick();
    // 300 ticks passed: 200 busy, 50 idle, 50 iowait.
    expect(vitals.cpu).toEqual({ busyPercent: 66.7, iowaitPercent: 16.7, cpus: 2 });
    expect(vitals.memory).toMatchObject({
      availablePercent: 12.5,
      swapUsedBytes: 3 * GiB,
      swapUsedPercent: 75,
    });
    expect(vitals.boot).toEqual({ bootId: '63ef0c82-a812-489f-9822-048485d48a35', bootTime: 1795968131000 });
  });
});
