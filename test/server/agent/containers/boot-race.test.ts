// Boot races on a real engine: a container that dies in the first minutes after the host booted
// because what it needs was not ready. The host's boot time and the retry timings are the test's.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../../shared/protocol/frames.js';
import type { ContainerInfo } from '../../../../shared/protocol/vocabulary.js';
import { waitFor } from '../../../harness/agent.js';
import { type DockerRig, startDockerRig } from '../../../harness/docker-capability.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../../harness/dockerd.js';
import { tempDir } from '../../../harness/temp.js';

let d: TestDockerd;
const dirs: (() => void)[] = [];

beforeAll(async () => {
  d = await startDockerd();
});

afterAll(async () => {
  await d?.close();
  for (const remove of dirs) remove();
});

const yaml = (watch: string[], bootRace: string) =>
  [
    'listen: { host: 127.0.0.1, port: 0 }',
    'docker:',
    '  - id: nas',
    `    socket: ${d.socket}`,
    `    watch: [${watch.join(', ')}]`,
    `    bootRace: ${bootRace}`,
    '',
  ].join('\n');

function folder(name: string): string {
  const dir = path.join(d.scratch, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function provide(dir: string): void {
  writeFileSync(path.join(dir, 'run.sh'), '#!/bin/sh\necho "up and running"\nexec sleep 100000\n');
  chmodSync(path.join(dir, 'run.sh'), 0o755);
}

async function withRig(
  cfg: string,
  deps: Parameters<typeof startDockerRig>[2],
  fn: (rig: DockerRig, events: (kind: string, subject: string) => EventRecord[]) => Promise<void>,
  dir = tempDir(),
): Promise<void> {
  dirs.push(dir.remove);
  const rig = await startDockerRig(cfg, dir.dir, deps);
  const events = (kind: string, subject: string) =>
    rig.ctx.events.list({ limit: 500, kind }).filter((e) => e.subject === subject);
  try {
    await waitFor(
      () =>
        rig.ctx.state.get('containers.engine', 'nas') &&
        (rig.ctx.state.get('containers.engine', 'nas') as { reachable: boolean }).reachable,
      20_000,
      'attached',
    );
    await fn(rig, events);
  } finally {
    await rig.close();
  }
}

const justBooted = () => ({
  hostBootAt: Date.now() - 20_000,
  selfIds: [],
  timing: { retryMs: [1500, 2500], stableMs: 2000 },
});

describe('boot-race recovery (opt-in)', () => {
  it('retries a container whose command is not there yet, and it comes back once the mount is ready', async () => {
    const dir = folder('ddns');
    await d.run(
      'create',
      '--name',
      'ddns',
      '--network',
      'none',
      '--restart',
      'unless-stopped',
      '-v',
      `${dir}:/app`,
      TEST_IMAGE,
      '/app/run.sh',
    );
    await withRig(
      yaml(['ddns'], '{ minutes: 10, recover: true, windowMinutes: 5 }'),
      justBooted(),
      async (rig, events) => {
        await d.docker(['start', 'ddns']); // fails: exit 127, as at boot
        const race = await waitFor(
          () => events('containers.boot-race', 'nas/ddns')[0],
          20_000,
          'boot-race event',
        );
        expect(race.message).toMatch(
          /^ddns on nas could not start \(exit code 127\): .*after the host booted/,
        );
        expect(race.message).toContain('Lifeline will retry it for 5 min');
        expect(race.data).toMatchObject({
          exitCode: 127,
          startFailed: true,
          bootRace: true,
          recovery: { windowMinutes: 5 },
        });
        expect(String(race.data?.error)).toContain('no such file or directory');

        const failed = await waitFor(
          () => events('containers.recovery-attempt', 'nas/ddns')[0],
          20_000,
          'first attempt',
        );
        expect(failed.data).toMatchObject({ attempt: 1, ok: false });
        expect(failed.message).toContain('attempt 1 to start ddns on nas failed');
        const info = rig.ctx.state.get('containers', 'nas/ddns') as ContainerInfo;
        expect(info.bootRace).toBe(true);
        expect(info.recovery?.status).toMatch(/waiting|starting/);

        provide(dir); // the NAS folder is mounted at last
        const back = await waitFor(() => events('containers.recovered', 'nas/ddns')[0], 30_000, 'recovered');
        expect(back.message).toMatch(/ddns on nas is running again after \d+ boot-race recovery attempts?/);
        const now = rig.ctx.state.get('containers', 'nas/ddns') as ContainerInfo;
        expect(now).toMatchObject({ state: 'running', bootRace: false, recovery: { status: 'recovered' } });
        expect(events('containers.died', 'nas/ddns')).toEqual([]);
      },
    );
  });

  it('keeps trying when a start holds for a moment and then fails again with 127', async () => {
    const dir = folder('script');
    await d.run(
      'create',
      '--name',
      'script',
      '--network',
      'none',
      '-v',
      `${dir}:/app`,
      TEST_IMAGE,
      'sh',
      '-c',
      '/app/run.sh',
    );
    await withRig(yaml(['script'], '{ recover: true }'), justBooted(), async (_rig, events) => {
      await d.run('start', 'script'); // runs, the shell exits 127: not found
      const race = await waitFor(
        () => events('containers.boot-race', 'nas/script')[0],
        20_000,
        'boot-race event',
      );
      expect(race.data).toMatchObject({ exitCode: 127, startFailed: false });
      expect(race.message).toContain('its command or a file it needs was not found');
      await waitFor(
        () => events('containers.recovery-attempt', 'nas/script').length >= 2,
        30_000,
        'two attempts',
      );
      expect(events('containers.recovery-attempt', 'nas/script').map((e) => e.data?.ok)).toContain(true);
      provide(dir);
      await waitFor(() => events('containers.recovered', 'nas/script')[0], 30_000, 'recovered');
      expect(events('containers.died', 'nas/script')).toEqual([]);
      expect(events('containers.boot-race', 'nas/script')).toHaveLength(1);
    });
  });

  it('gives up when the window ends, says so, and forgets it once the container runs again', async () => {
    const dir = folder('stuck');
    await d.run(
      'create',
      '--name',
      'stuck',
      '--network',
      'none',
      '-v',
      `${dir}:/app`,
      TEST_IMAGE,
      '/app/run.sh',
    );
    await withRig(
      yaml(['stuck'], '{ recover: true, windowMinutes: 0.07 }'),
      { ...justBooted(), timing: { retryMs: [1000], stableMs: 1000 } },
      async (rig, events) => {
        await d.docker(['start', 'stuck']);
        const gaveUp = await waitFor(
          () => events('containers.recovery-gave-up', 'nas/stuck')[0],
          30_000,
          'gave up',
        );
        expect(gaveUp.severity).toBe('critical');
        expect(gaveUp.message).toMatch(
          /gave up on stuck on nas after [1-9]\d* attempts? in 4 s; it needs a look/,
        );
        expect((rig.ctx.state.get('containers', 'nas/stuck') as ContainerInfo).recovery?.status).toBe(
          'gave-up',
        );
        provide(dir);
        await d.run('start', 'stuck');
        await waitFor(
          () => (rig.ctx.state.get('containers', 'nas/stuck') as ContainerInfo).recovery === null,
          10_000,
          'cleared',
        );
      },
    );
  });

  it('without opt-in, reports the boot race and leaves the container alone', async () => {
    const dir = folder('manual');
    await d.run(
      'create',
      '--name',
      'manual',
      '--network',
      'none',
      '-v',
      `${dir}:/app`,
      TEST_IMAGE,
      '/app/run.sh',
    );
    await withRig(yaml(['manual'], '{ minutes: 10 }'), justBooted(), async (rig, events) => {
      await d.docker(['start', 'manual']);
      const race = await waitFor(
        () => events('containers.boot-race', 'nas/manual')[0],
        20_000,
        'boot-race event',
      );
      expect(race.message).toContain('Restart it once what it needs is ready');
      await new Promise((r) => setTimeout(r, 3000));
      expect(events('containers.recovery-attempt', 'nas/manual')).toEqual([]);
      expect((rig.ctx.state.get('containers', 'nas/manual') as ContainerInfo).recovery).toBeNull();
    });
  });
});

describe('what counts as a boot race', () => {
  it('a death long after the host booted is an ordinary death, not retried', async () => {
    const dir = folder('late');
    await d.run(
      'create',
      '--name',
      'late',
      '--network',
      'none',
      '-v',
      `${dir}:/app`,
      TEST_IMAGE,
      '/app/run.sh',
    );
    await withRig(
      yaml(['late'], '{ recover: true }'),
      { ...justBooted(), hostBootAt: Date.now() - 2 * 3600_000 },
      async (_rig, events) => {
        await d.docker(['start', 'late']);
        const died = await waitFor(() => events('containers.died', 'nas/late')[0], 20_000, 'died event');
        expect(died.message).toMatch(/^late on nas could not start \(exit code 127\)/);
        expect(died.data).toMatchObject({ bootRace: false });
        await new Promise((r) => setTimeout(r, 2500));
        expect(events('containers.boot-race', 'nas/late')).toEqual([]);
        expect(events('containers.recovery-attempt', 'nas/late')).toEqual([]);
      },
    );
  });

  it('a container found dead at agent start after a boot is announced once, not again after an agent restart', async () => {
    const dir = folder('early');
    await d.run(
      'create',
      '--name',
      'early',
      '--network',
      'none',
      '--restart',
      'always',
      '-v',
      `${dir}:/app`,
      TEST_IMAGE,
      '/app/run.sh',
    );
    await d.docker(['start', 'early']); // failed before the agent was up
    const db = tempDir();
    const deps = { ...justBooted(), hostBootAt: Date.now() - 60_000 };
    await withRig(
      yaml(['early'], '{ minutes: 10 }'),
      deps,
      async (_rig, events) => {
        const race = await waitFor(
          () => events('containers.boot-race', 'nas/early')[0],
          20_000,
          'found at start',
        );
        expect(race.data).toMatchObject({ exitCode: 127, startFailed: true });
      },
      db,
    );
    await withRig(
      yaml(['early'], '{ minutes: 10 }'),
      deps,
      async (_rig, events) => {
        await new Promise((r) => setTimeout(r, 2000));
        expect(events('containers.boot-race', 'nas/early')).toHaveLength(1);
      },
      db,
    );
  });
});
