import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PresenceLoop } from '../../../../server/agent/machines/presence.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('presence loop', () => {
  it('probes each host again and again, each interval jittered within ±20 %', async () => {
    const probes: { id: string; at: number }[] = [];
    let r = 0;
    const randoms = [0, 1, 0.5, 0.25, 0.75];
    const loop = new PresenceLoop([{ id: 'pc', intervalMs: 30_000 }], {
      busy: () => false,
      probe: async (id) => {
        probes.push({ id, at: Date.now() });
      },
      random: () => randoms[r++ % randoms.length]!,
    });
    const t0 = Date.now();
    loop.start();
    await vi.advanceTimersByTimeAsync(200_000);
    loop.stop();
    const gaps = probes.slice(1).map((p, i) => p.at - probes[i]!.at);
    expect(probes[0]!.at - t0).toBeLessThanOrEqual(2000);
    expect(gaps.length).toBeGreaterThanOrEqual(5);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(24_000);
      expect(g).toBeLessThanOrEqual(36_000);
    }
    expect(new Set(gaps).size).toBeGreaterThan(1);
  });

  it('never runs more probes at once than allowed, and skips a host that is being woken', async () => {
    let running = 0;
    let peak = 0;
    const seen = new Set<string>();
    const hosts = Array.from({ length: 20 }, (_, i) => ({ id: `h${i}`, intervalMs: 10_000 }));
    const loop = new PresenceLoop(hosts, {
      busy: (id) => id === 'h3',
      maxParallel: 4,
      probe: async (id) => {
        seen.add(id);
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 1500));
        running--;
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(30_000);
    loop.stop();
    expect(peak).toBe(4);
    expect(seen.size).toBe(19);
    expect(seen.has('h3')).toBe(false);
  });

  it('stops every timer on stop()', async () => {
    let probes = 0;
    const loop = new PresenceLoop([{ id: 'pc', intervalMs: 5000 }], {
      busy: () => false,
      probe: async () => {
        probes++;
      },
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(12_000);
    loop.stop();
    const after = probes;
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probes).toBe(after);
  });
});
