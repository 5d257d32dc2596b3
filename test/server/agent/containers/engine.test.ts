// The engine's life as the agent sees it: down when the agent starts, up later, stopped and started
// again — the agent reports each and reattaches by itself, never needing a restart (SPEC §7.1).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo, EngineInfo } from '../../../../shared/protocol/vocabulary.js';
import { startTestAgent, type TestAgent, waitFor } from '../../../harness/agent.js';
import { runCli } from '../../../harness/cli.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../../harness/dockerd.js';

let d: TestDockerd;
let t: TestAgent;

const engine = () => t.agent.state.get('containers.engine', 'home') as EngineInfo | undefined;
const container = (name: string) =>
  t.agent.state.get('containers', `home/${name}`) as ContainerInfo | undefined;
const events = (kind: string) => t.agent.events.list({ limit: 100, kind });

beforeAll(async () => {
  d = await startDockerd({ started: false });
  t = await startTestAgent({
    yaml: [
      'home: { name: Test home }',
      'listen: { host: 127.0.0.1, port: 0 }',
      'docker:',
      '  - id: home',
      '    name: Home server',
      `    socket: ${d.socket}`,
      '    watch: [always-on]',
      '',
    ].join('\n'),
    // Long ago: a death in the host's first minutes would be told as a boot race, not as a death.
    hostBootAt: Date.now() - 24 * 3600_000,
  });
});

afterAll(async () => {
  await t?.close();
  await d?.close();
});

describe('a Docker engine coming and going', () => {
  it('starts with the engine down: reported unreachable with the reason, and the agent keeps running', async () => {
    const e = await waitFor(
      () => engine()?.reason?.includes('no Docker socket') && engine(),
      10_000,
      'reason',
    );
    expect(e).toMatchObject({ name: 'Home server', reachable: false, apiVersion: null });
    expect(e.endpoint).toBe(`unix://${d.socket}`);
    expect(e.reason).toBe(`no Docker socket at ${d.socket}`);
    const [down] = events('containers.engine-unreachable');
    expect(down?.message).toContain('Docker engine home is unreachable: no Docker socket');
    expect(t.agent.state.get('agent', 'self')).toBeTruthy();
  });

  it('attaches by itself within seconds once the engine starts, with its versions and containers', async () => {
    await d.start();
    const e = await waitFor(() => engine()?.reachable && engine(), 20_000, 'engine reachable');
    expect(e.apiVersion).toMatch(/^1\.\d+$/);
    expect(e.engineVersion).toMatch(/^\d+\.\d+/);
    expect(e.reason).toBeNull();
    expect(events('containers.engine-back')).toHaveLength(1);

    await d.cmd(
      'run -d --init --name always-on --restart always --network none',
      TEST_IMAGE,
      'sleep',
      '100000',
    );
    await d.cmd('run -d --init --name one-shot --network none', TEST_IMAGE, 'sleep', '100000');
    await waitFor(() => container('always-on')?.state === 'running', 10_000, 'always-on running');
    await waitFor(() => container('one-shot')?.state === 'running', 10_000, 'one-shot running');
  });

  it('lifeline check reports the engine reachable with its API version', async () => {
    const file = path.join(t.dir, 'lifeline.yaml');
    const r = await runCli(['check', '-c', file]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      /✓\s+docker home\s+reachable at unix:\/\/.*API 1\.\d+, 2 containers \(2 running\)/,
    );
  });

  it('reports the engine unreachable when dockerd stops, then live again when it returns, without an agent restart', async () => {
    const unreachableBefore = events('containers.engine-unreachable').length;
    await d.stop();
    // While dockerd shuts down, a connection can first be reset; the reason then settles on the socket.
    const down = await waitFor(
      () =>
        engine()?.reachable === false &&
        /no Docker socket|connection refused/.test(engine()?.reason ?? '') &&
        engine(),
      20_000,
      'engine down, with the reason',
    );
    expect(down.reason).toMatch(/no Docker socket|connection refused/);
    await waitFor(
      () => events('containers.engine-unreachable').length > unreachableBefore,
      10_000,
      'unreachable event',
    );
    // The last known containers stay, for the app to show while the engine is away.
    expect(container('one-shot')).toBeTruthy();
    // Stopping the engine stopped its containers on purpose: that is not a death to report.
    expect(t.agent.events.list({ limit: 100, kind: 'containers.died' })).toEqual([]);

    const file = path.join(t.dir, 'lifeline.yaml');
    const check = await runCli(['check', '-c', file]);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/✗\s+docker home\s+unreachable at unix:\/\//);

    await d.start();
    await waitFor(() => engine()?.reachable, 20_000, 'engine back');
    expect(events('containers.engine-back')).toHaveLength(2);
    // Resynced: the restart policy brought one back; the other stayed stopped.
    await waitFor(() => container('always-on')?.state === 'running', 20_000, 'always-on back');
    await waitFor(() => container('one-shot')?.state === 'exited', 20_000, 'one-shot exited');
    expect(t.agent.state.get('agent', 'self')).toBeTruthy();
  });

  it('lifeline check fails clearly for an engine that cannot be reached', async () => {
    const file = path.join(t.dir, 'other.yaml');
    writeFileSync(
      file,
      [
        'listen: { host: 127.0.0.1, port: 0 }',
        'data: ./data-other',
        'docker:',
        '  - id: gone',
        `    socket: ${path.join(t.dir, 'nothing-here.sock')}`,
        '  - id: tcp',
        '    url: tcp://127.0.0.1:1',
        '',
      ].join('\n'),
    );
    const r = await runCli(['check', '-c', file, '--json']);
    expect(r.code).toBe(1);
    const rows = (JSON.parse(r.stdout) as { checks: { name: string; status: string; detail: string }[] })
      .checks;
    expect(rows.find((x) => x.name === 'docker gone')).toMatchObject({ status: 'fail' });
    expect(rows.find((x) => x.name === 'docker gone')?.detail).toContain('no Docker socket at');
    expect(rows.find((x) => x.name === 'docker tcp')?.detail).toContain(
      'connection refused at tcp://127.0.0.1:1',
    );
  });
});
