// `ctl top` with the engine gone, against a real dockerd run with live-restore (stopping it leaves
// its containers running, as a crashed or upgraded daemon can): the agent no longer knows what runs
// there, so top says the engine is unreachable, as `ctl containers` does, instead of listing the
// containers' cgroup figures as if the engine still answered for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerUsage, EngineInfo } from '../../../../shared/protocol/containers.js';
import { startTestAgent, type TestAgent, waitFor } from '../../../harness/agent.js';
import { runCli } from '../../../harness/cli.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../../harness/dockerd.js';
import { tempDir } from '../../../harness/temp.js';

let d: TestDockerd;
let t: TestAgent;
const ctlHome = tempDir();
const env = { LIFELINE_CTL_HOME: ctlHome.dir };
const engine = () => t.agent.state.get('containers.engine', 'test') as EngineInfo | undefined;
const usage = (name: string) =>
  t.agent.state.get('containers.usage', `test/${name}`) as ContainerUsage | undefined;

beforeAll(async () => {
  d = await startDockerd({ liveRestore: true });
  await d.cmd('run -d --init --network none --name worker', TEST_IMAGE, 'sleep', '100000');
  t = await startTestAgent({
    yaml: [
      'home: { name: Test home }',
      'listen: { host: 127.0.0.1, port: 0 }',
      'containers:',
      '  - id: test',
      `    socket: ${d.socket}`,
      '    usage: { intervalSeconds: 1 }',
      '',
    ].join('\n'),
    hostBootAt: Date.now() - 24 * 3600_000,
  });
  const { link } = t.agent.pairing.link(t.url, t.agent.homeId, null);
  const paired = await runCli(['ctl', 'pair', link, '--name', 'ci'], { env });
  expect(paired.code, paired.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await d?.close();
  ctlHome.remove();
});

describe('ctl top with the Docker engine down', () => {
  it('lists the figures while the engine answers', async () => {
    await waitFor(() => usage('worker'), 30_000, 'worker measured');
    const top = await runCli(['ctl', 'top'], { env });
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout).toMatch(/^test\/worker\s+\d+(\.\d)? [KM]B\s+none\s.*cgroup$/m);
  });

  it('says the engine is unreachable and lists none of its figures as current', async () => {
    await d.stop();
    await waitFor(() => (engine()?.reachable === false ? true : undefined), 20_000, 'engine down');
    const top = await runCli(['ctl', 'top'], { env });
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout).toMatch(
      /^test\s+UNREACHABLE since \d+ s ago: .+ — its containers are not measured until it is back$/m,
    );
    expect(top.stdout).not.toContain('test/worker');
    expect(top.stdout).not.toContain('No container is measured yet');
    // --json stays the list of current figures (none), and says why on stderr.
    const json = await runCli(['ctl', 'top', '--json'], { env });
    expect(JSON.parse(json.stdout)).toEqual([]);
    expect(json.stderr).toMatch(
      /^lifeline: note: Docker engine test is unreachable since \d+ s ago: .+; its containers are not measured until it is back\n$/,
    );
  });

  it('lists them again once the engine is back', async () => {
    await d.start();
    await waitFor(() => (engine()?.reachable ? true : undefined), 30_000, 'engine back');
    await waitFor(() => usage('worker'), 30_000, 'worker measured again');
    const top = await runCli(['ctl', 'top'], { env });
    expect(top.stdout).toMatch(/^test\/worker\s/m);
    expect(top.stdout).not.toContain('UNREACHABLE');
  });
});
