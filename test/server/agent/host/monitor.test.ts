// The composed monitor: built from the `host:` config, it samples on its own every interval under
// the configured root, and stops without leaving a timer behind.
import { afterEach, describe, expect, it } from 'vitest';
import { createHostMonitor } from '../../../../server/agent/host/host-monitor.js';
import type { HostSample } from '../../../../server/agent/host/sampler.js';
import { systemClock } from '../../../../server/clock.js';
import { type FakeHost, fakeHost, meminfoFile, pressureFile } from '../../../harness/fake-host.js';

let host: FakeHost | null = null;
afterEach(() => {
  host?.close();
  host = null;
});

describe('host monitor', () => {
  it('samples the configured root every interval, and stops', async () => {
    host = fakeHost({
      '/proc/meminfo': meminfoFile({ total: 8 * 1024 ** 3, available: 6 * 1024 ** 3 }),
      '/proc/pressure/memory': pressureFile(1.5),
    });
    const samples: HostSample[] = [];
    const monitor = createHostMonitor({
      config: { root: host.root, intervalSeconds: 1 },
      clock: systemClock,
      onSample: (s) => samples.push(s),
    });
    monitor.start();
    await new Promise((r) => setTimeout(r, 2_500));
    monitor.stop();
    const count = samples.length;
    expect(count).toBeGreaterThanOrEqual(2);
    expect(samples[0]!.vitals).toMatchObject({
      root: host.root,
      memory: { availablePercent: 75 },
      pressure: { memory: { some: { avg10: 1.5 } } },
    });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(samples.length).toBe(count);
  });
});
