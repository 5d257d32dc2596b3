// The containers capability against a real Docker engine: live state from the event stream, the
// died / restart-loop events, the guard's rules, and the ctl commands — all through a real agent.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../../../shared/client/agent-client.js';
import type { EventRecord } from '../../../../shared/protocol/frames.js';
import type { ContainerInfo } from '../../../../shared/protocol/vocabulary.js';
import { pairDevice, startTestAgent, type TestAgent, waitFor } from '../../../harness/agent.js';
import { runCli } from '../../../harness/cli.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../../harness/dockerd.js';
import { tempDir } from '../../../harness/temp.js';

let d: TestDockerd;
let t: TestAgent;
let phone: AgentClient;
const ctlHome = tempDir();
const env = { LIFELINE_CTL_HOME: ctlHome.dir };
const ddnsDir = () => path.join(d.scratch, 'ddns');

const container = (name: string) =>
  t.agent.state.get('containers', `test/${name}`) as ContainerInfo | undefined;
const events = (kind: string, subject?: string) =>
  t.agent.events.list({ limit: 500, kind }).filter((e) => subject === undefined || e.subject === subject);
const waitForEvent = (kind: string, subject: string, timeoutMs = 20_000): Promise<EventRecord> =>
  waitFor(() => events(kind, subject)[0], timeoutMs, `${kind} for ${subject}`);
const waitForState = (name: string, ok: (c: ContainerInfo) => boolean, what: string, timeoutMs = 20_000) =>
  waitFor(
    () => {
      const c = container(name);
      return c && ok(c) ? c : undefined;
    },
    timeoutMs,
    what,
  );

beforeAll(async () => {
  d = await startDockerd();
  mkdirSync(ddnsDir());
  // The first outage's DDNS container: its command lives in a bind-mounted folder that is still empty.
  await d.cmd('create --name ddns --network none -v', `${ddnsDir()}:/app`, TEST_IMAGE, '/app/run.sh');
  await d.docker(['start', 'ddns']);
  await d.cmd('run -d --init --name tunnel --network none', TEST_IMAGE, 'sleep', '100000');
  await d.cmd('run -d --init --name sidecar --network container:tunnel', TEST_IMAGE, 'sleep', '100000');
  await d.cmd(
    'run -d --init --name bots --network none --label com.docker.compose.project=home --label com.docker.compose.service=bots',
    TEST_IMAGE,
    'sh',
    '-c',
    'echo bots ready; echo "warming up" >&2; exec sleep 100000',
  );
  await d.cmd('run -d --init --name plain --network none', TEST_IMAGE, 'sleep', '100000');
  await d.run('tag', TEST_IMAGE, 'lifeline-test/busybox:latest');
  await d.cmd(
    'run -d --init --name floating --network none',
    'lifeline-test/busybox:latest',
    'sleep',
    '100000',
  );
  t = await startTestAgent({
    yaml: [
      'home: { name: Test home }',
      'listen: { host: 127.0.0.1, port: 0 }',
      'docker:',
      '  - id: test',
      `    socket: ${d.socket}`,
      '    watch: [ddns, home/bots, looper, quitter, flaky]',
      '    lifeline: [tunnel]',
      '    restartLoop: { restarts: 3, minutes: 5 }',
      '',
    ].join('\n'),
    // Long ago: on a machine that booted minutes before the run, a death is a boot race, not a death.
    hostBootAt: Date.now() - 24 * 3600_000,
  });
  phone = (await pairDevice(t, 'test phone')).client;
  await waitFor(() => container('floating'), 20_000, 'the first sync');
});

afterAll(async () => {
  phone?.close();
  await t?.close();
  await d?.close();
  ctlHome.remove();
});

describe('container state', () => {
  it('shows a container whose command is missing with exit code 127 and Docker’s error', async () => {
    const c = await waitForState('ddns', (c) => c.exitCode === 127, 'ddns with exit 127');
    expect(c.state).not.toBe('running');
    expect(c.error).toContain('/app/run.sh');
    expect(c.error).toContain('no such file or directory');
    expect(c.watched).toBe(true);
    expect(c.lifeline).toBe(false);
  });

  it('publishes compose project and service, image, pinning, restart policy and start time', async () => {
    const bots = await waitForState('bots', (c) => c.state === 'running', 'bots running');
    expect(bots).toMatchObject({
      engine: 'test',
      name: 'bots',
      project: 'home',
      service: 'bots',
      image: TEST_IMAGE,
      pin: 'tag',
      pinned: true,
      exitCode: null,
      restartPolicy: 'no',
      watched: true,
    });
    expect(bots.startedAt).toBeGreaterThan(Date.now() - 120_000);
    expect(bots.containerId).toMatch(/^[0-9a-f]{12}$/);
    expect(container('floating')).toMatchObject({ pin: 'latest', pinned: false, watched: false });
  });

  it('never publishes a container’s environment, where secrets live', async () => {
    await d.cmd(
      'run -d --init --name secretive --network none -e CF_TOKEN=hunter2-secret',
      TEST_IMAGE,
      'sleep',
      '100000',
    );
    await waitForState('secretive', (c) => c.state === 'running', 'secretive running');
    const everything = JSON.stringify(t.agent.state.snapshot());
    expect(everything).toContain('secretive');
    expect(everything).not.toContain('hunter2');
    await d.run('rm', '-f', 'secretive');
  });

  it('follows the health check: unhealthy with the probe’s output, then healthy', async () => {
    await d.cmd(
      'run -d --init --name probed --network none --health-interval 1s --health-retries 1 --health-cmd',
      'test -f /tmp/ok || { echo "no /tmp/ok yet"; exit 1; }',
      TEST_IMAGE,
      'sleep',
      '100000',
    );
    const sick = await waitForState('probed', (c) => c.health === 'unhealthy', 'unhealthy');
    expect(sick.healthOutput).toBe('no /tmp/ok yet');
    await d.run('exec', 'probed', 'touch', '/tmp/ok');
    const well = await waitForState('probed', (c) => c.health === 'healthy', 'healthy');
    expect(well.healthOutput).toBeNull();
    await d.run('rm', '-f', 'probed');
  });

  it('marks lifeline containers, and the container whose network a lifeline uses', async () => {
    expect(container('tunnel')).toMatchObject({ lifeline: true, watched: true, self: false });
    expect(container('sidecar')).toMatchObject({ networkOf: 'tunnel', lifeline: false });
    expect(container('plain')).toMatchObject({ lifeline: false, watched: false, lifelineWhy: null });
  });

  it('publishes the engine with its versions and counts', () => {
    const engine = t.agent.state.get('containers.engine', 'test') as Record<string, unknown>;
    expect(engine).toMatchObject({
      reachable: true,
      reason: null,
      apiVersion: expect.stringMatching(/^1\.\d+$/),
    });
    expect(engine.running).toBeGreaterThanOrEqual(5);
  });

  it('follows a container created, renamed and removed after the agent started', async () => {
    await d.run('create', '--name', 'newcomer', '--network', 'none', TEST_IMAGE, 'true');
    await waitForState('newcomer', (c) => c.state === 'created', 'newcomer');
    await d.run('rename', 'newcomer', 'renamed');
    await waitForState('renamed', () => true, 'renamed');
    await waitFor(() => !container('newcomer'), 10_000, 'old name gone');
    await d.run('rm', 'renamed');
    await waitFor(() => !container('renamed'), 10_000, 'removed');
  });
});

describe('events', () => {
  it('reports docker kill of a watched container as died, with the exit code and the last log lines', async () => {
    await waitForState('bots', (c) => c.state === 'running', 'bots running');
    await d.run('kill', 'bots');
    const e = await waitForEvent('containers.died', 'test/bots');
    expect(e.severity).toBe('warning');
    expect(e.message).toContain('bots on test died with exit code 137');
    expect(e.data).toMatchObject({ engine: 'test', container: 'test/bots', exitCode: 137 });
    expect(e.data?.logTail).toEqual(expect.arrayContaining(['bots ready', 'warming up']));
    expect(container('bots')).toMatchObject({ state: 'exited', exitCode: 137 });
    // A kill is a death, not a stop someone meant: it stays a problem on Home.
    expect(container('bots')?.stoppedOnPurposeAt ?? null).toBeNull();
  });

  it('does not report an intended docker stop as a death', async () => {
    await d.cmd('run -d --init --name quitter --network none', TEST_IMAGE, 'sleep', '100000');
    await waitForState('quitter', (c) => c.state === 'running', 'quitter running');
    await d.run('stop', 'quitter');
    await waitForState('quitter', (c) => c.state === 'exited', 'quitter exited');
    // Give a wrongly reported death every chance to show up.
    await new Promise((r) => setTimeout(r, 3000));
    expect(events('containers.died', 'test/quitter')).toEqual([]);
    // Shown as stopped on purpose (Home lists no problem for it), until it runs again.
    expect(container('quitter')?.stoppedOnPurposeAt).toEqual(expect.any(Number));
    await d.run('start', 'quitter');
    await waitForState('quitter', (c) => c.state === 'running', 'quitter running again');
    expect(container('quitter')?.stoppedOnPurposeAt).toBeNull();
  });

  it('raises one restart-loop event for a container that keeps dying, not one per death', async () => {
    await d.cmd(
      'run -d --name looper --network none --restart always',
      TEST_IMAGE,
      'sh',
      '-c',
      'echo boom; exit 3',
    );
    const loop = await waitForEvent('containers.restart-loop', 'test/looper', 30_000);
    expect(loop.message).toContain('looper on test is restarting in a loop');
    expect(loop.data).toMatchObject({ deaths: 3, exitCode: 3 });
    expect(container('looper')?.looping).toBe(true);
    // Docker keeps restarting it; the loop is one notice.
    await waitFor(() => (container('looper')?.restartCount ?? 0) >= 5, 30_000, 'more restarts');
    expect(events('containers.restart-loop', 'test/looper')).toHaveLength(1);
    expect(events('containers.died', 'test/looper').length).toBeLessThan(3);
    await d.run('rm', '-f', 'looper');
  });
});

describe('the guard', () => {
  it('refuses to stop a lifeline container, with the reason', async () => {
    const r = await phone.command('containers.stop', { target: 'test/tunnel' });
    expect(r.status).toBe('error');
    if (r.status !== 'error') return;
    expect(r.error.code).toBe('refused');
    expect(r.error.message).toContain('tunnel is a lifeline');
    expect(container('tunnel')?.state).toBe('running');
  });

  it('restarts a lifeline container only with the challenge, naming what is cut off meanwhile', async () => {
    const before = container('tunnel')!.startedAt!;
    const first = await phone.command('containers.restart', { target: 'test/tunnel' });
    expect(first.status).toBe('confirm');
    if (first.status !== 'confirm') return;
    expect(first.confirm.title).toBe('Restart tunnel (lifeline)');
    expect(first.confirm.consequences.join('\n')).toContain('is cut off');
    expect(first.confirm.consequences.join('\n')).toContain('sidecar uses its network');
    expect(container('tunnel')?.startedAt).toBe(before);
    const done = await phone.command('containers.restart', {
      target: 'test/tunnel',
      confirm: { challenge: first.confirm.challenge },
    });
    expect(done).toMatchObject({ status: 'ok', data: { container: 'test/tunnel', state: 'running' } });
    await waitForState('tunnel', (c) => c.startedAt !== before && c.state === 'running', 'tunnel restarted');
    // An intended restart of a lifeline is not a death.
    await new Promise((r) => setTimeout(r, 2000));
    expect(events('containers.died', 'test/tunnel')).toEqual([]);
  });

  it('still reports a crash that follows a restart asked for from the app', async () => {
    // Runs until restarted; from then on it exits 2 at once (its marker file survives the restart).
    await d.cmd(
      'run -d --init --name flaky --network none',
      TEST_IMAGE,
      'sh',
      '-c',
      'test -f /tmp/started && exit 2; touch /tmp/started; exec sleep 100000',
    );
    await waitForState('flaky', (c) => c.state === 'running', 'flaky running');
    const first = await phone.command('containers.restart', { target: 'test/flaky' });
    expect(first.status).toBe('confirm');
    if (first.status !== 'confirm') return;
    await phone.command('containers.restart', {
      target: 'test/flaky',
      confirm: { challenge: first.confirm.challenge },
    });
    const e = await waitForEvent('containers.died', 'test/flaky');
    expect(e.data).toMatchObject({ exitCode: 2 });
  });

  it('asks to confirm an ordinary stop; start needs no confirmation', async () => {
    const first = await phone.command('containers.stop', { target: 'test/plain' });
    expect(first.status).toBe('confirm');
    if (first.status !== 'confirm') return;
    expect(first.confirm.consequences[0]).toContain('plain stays stopped');
    const stopped = await phone.command('containers.stop', {
      target: 'test/plain',
      confirm: { challenge: first.confirm.challenge },
    });
    expect(stopped).toMatchObject({ status: 'ok', data: { state: 'exited' } });
    await waitForState('plain', (c) => typeof c.stoppedOnPurposeAt === 'number', 'plain stopped on purpose');
    const started = await phone.command('containers.start', { target: 'test/plain' });
    expect(started).toMatchObject({ status: 'ok', data: { state: 'running' } });
    await waitForState('plain', (c) => c.stoppedOnPurposeAt === null, 'the mark gone once it runs');
  });

  it('refuses an unknown container and a crafted target', async () => {
    for (const target of ['test/nosuch', 'other/ddns', 'nosuch']) {
      const r = await phone.command('containers.restart', { target });
      expect(r, target).toMatchObject({ status: 'error', error: { code: 'not-found' } });
    }
    const noTarget = await phone.command('containers.start', {});
    expect(noTarget).toMatchObject({ status: 'error', error: { code: 'bad-args' } });
  });
});

describe('ctl', () => {
  beforeAll(async () => {
    const { link } = t.agent.pairing.link(t.url, t.agent.homeId, null);
    const paired = await runCli(['ctl', 'pair', link, '--name', 'ci'], { env });
    expect(paired.code, paired.stderr).toBe(0);
  });

  it('restarts the 127 container through ctl once its file is there', async () => {
    const noYes = await runCli(['ctl', 'restart', 'ddns'], { env });
    expect(noYes.code).toBe(1);
    expect(noYes.stderr).toContain('confirmation required: re-run with --yes');

    const broken = await runCli(['ctl', 'restart', 'test/ddns', '--yes'], { env });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('Docker could not restart ddns');
    expect(broken.stderr).toContain('no such file or directory');

    writeFileSync(
      path.join(ddnsDir(), 'run.sh'),
      '#!/bin/sh\necho "ddns: updated home.example.com"\nexec sleep 100000\n',
    );
    chmodSync(path.join(ddnsDir(), 'run.sh'), 0o755);
    const r = await runCli(['ctl', 'restart', 'test/ddns', '--yes'], { env });
    expect(r.stderr).toContain('Restart ddns');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ddns is running');
    const c = await waitForState('ddns', (c) => c.state === 'running', 'ddns running');
    expect(c.exitCode).toBeNull();
    expect(c.error).toBeNull();
  });

  it('lists containers by engine, as a table and as JSON', async () => {
    const table = await runCli(['ctl', 'containers'], { env });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/test\s.*reachable/);
    expect(table.stdout).toMatch(/tunnel\s+running/);
    expect(table.stdout).toMatch(/floating\s.*latest/);
    const json = await runCli(['ctl', 'containers', '--json'], { env });
    const parsed = JSON.parse(json.stdout) as { engines: { id: string }[]; containers: ContainerInfo[] };
    expect(parsed.engines.map((e) => e.id)).toEqual(['test']);
    expect(parsed.containers.find((c) => c.name === 'tunnel')).toMatchObject({ lifeline: true });
  });

  it('shows the last log lines, stdout and stderr apart, with timestamps', async () => {
    await d.cmd(
      'run -d --name chatty --network none',
      TEST_IMAGE,
      'sh',
      '-c',
      'echo one; echo two >&2; echo three',
    );
    await waitForState('chatty', (c) => c.state === 'exited', 'chatty done');
    const json = await runCli(['ctl', 'logs', 'test/chatty', '--json'], { env });
    expect(json.code, json.stderr).toBe(0);
    const lines = JSON.parse(json.stdout).lines as { at: number; stream: string; text: string }[];
    expect(lines.map((l) => [l.stream, l.text]).sort()).toEqual([
      ['stderr', 'two'],
      ['stdout', 'one'],
      ['stdout', 'three'],
    ]);
    expect(lines.every((l) => l.at > Date.now() - 120_000)).toBe(true);
    const tail = await runCli(['ctl', 'logs', 'test/chatty', '-n', '1'], { env });
    expect(tail.code).toBe(0);
    expect(tail.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('stop and start from ctl, with the guard', async () => {
    const refused = await runCli(['ctl', 'stop', 'tunnel', '--yes'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('tunnel is a lifeline');
    const stopped = await runCli(['ctl', 'stop', 'plain', '--yes'], { env });
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(container('plain')?.state).toBe('exited');
    const started = await runCli(['ctl', 'start', 'plain'], { env });
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain('plain is running');
  });

  it('one clear line for a container that does not exist', async () => {
    const r = await runCli(['ctl', 'restart', 'nosuch', '--yes'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('no container nosuch');
  });
});
