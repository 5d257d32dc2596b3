// The report after an unclean stop names the containers that came back restarting — also one that
// crash-loops and happens to be `running` at the moment the report is written (it runs for a
// moment in each round of its restarts, and a single look may land there).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StateStore } from '../../../../server/agent/state.js';
import { UncleanReport } from '../../../../server/agent/status/unclean-report.js';
import type { ContainerInfo } from '../../../../shared/protocol/containers.js';
import { ManualClock } from '../../../harness/agent.js';

const container = (name: string, over: Partial<ContainerInfo>): ContainerInfo => ({
  engine: 'nas',
  name,
  containerId: '0123456789ab',
  project: null,
  service: null,
  image: 'busybox:1.36',
  imageId: 'sha256:0',
  pin: 'tag',
  pinned: true,
  state: 'running',
  exitCode: null,
  error: null,
  oomKilled: false,
  createdAt: 0,
  startedAt: null,
  finishedAt: null,
  restartCount: 0,
  restartPolicy: 'always',
  health: null,
  healthOutput: null,
  watched: true,
  lifeline: false,
  lifelineWhy: null,
  self: false,
  networkOf: null,
  looping: false,
  bootRace: false,
  recovery: null,
  ...over,
});

describe('unclean stop report', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('names a container that restarted during the settle window though it runs at the last look', () => {
    const clock = new ManualClock(1_000_000);
    const state = new StateStore(clock);
    const said: { message: { params?: Record<string, unknown> } }[] = [];
    const kv = new Map<string, unknown>();
    const ctx = {
      state,
      clock,
      hostBootAt: 0,
      config: { containers: [{ id: 'nas' }] },
      events: { append: (e: (typeof said)[number]) => said.push(e) },
      kv: { get: (k: string) => kv.get(k) ?? null, set: (k: string, v: unknown) => kv.set(k, v) },
    } as unknown as ConstructorParameters<typeof UncleanReport>[0];
    state.set('containers.engine', 'nas', { id: 'nas', reachable: true } as never);
    state.set('containers', 'nas/flaky', container('flaky', { restartCount: 7 }));
    state.set('containers', 'nas/calm', container('calm', { restartCount: 2 }));
    const report = new UncleanReport(ctx, { minMs: 6000, maxMs: 60_000, everyMs: 2000 });
    report.start({ lastSeenAt: clock.now() - 30_000, backAt: clock.now(), hostRebooted: false });
    const step = () => {
      clock.advance(2000);
      vi.advanceTimersByTime(2000);
    };
    step(); // first look: both running
    // flaky crashes and is restarted by the engine between two looks; it is running again at each.
    state.set('containers', 'nas/flaky', container('flaky', { restartCount: 8 }));
    step();
    step();
    expect(said).toHaveLength(1);
    expect(said[0]!.message.params?.containers).toBe('nas/flaky');
    report.stop();
  });
});
