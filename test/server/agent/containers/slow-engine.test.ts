// A slow engine, as on a loaded NAS: dockerd finishes with a container's exit (unmounts, network
// teardown) before it logs the `stop` of a docker stop, and before it answers an inspect of the
// container. However long that takes, an intended stop is not a death, and a kill still is.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo } from '../../../../shared/protocol/vocabulary.js';
import { waitFor } from '../../../harness/agent.js';
import { type DockerRig, startDockerRig } from '../../../harness/docker-capability.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../../harness/dockerd.js';
import { type SlowExitEngine, startSlowExitEngine } from '../../../harness/slow-exit-engine.js';
import { tempDir } from '../../../harness/temp.js';

/** Well past the one second a `die` waits for its `stop`. */
const EXIT_HANDLING_MS = 2500;

let d: TestDockerd;
let slow: SlowExitEngine;
let rig: DockerRig;
const dir = tempDir();

const container = (name: string) =>
  rig.ctx.state.get('containers', `nas/${name}`) as ContainerInfo | undefined;
const died = (name: string) =>
  rig.ctx.events.list({ limit: 100, kind: 'containers.died' }).filter((e) => e.subject === `nas/${name}`);

beforeAll(async () => {
  d = await startDockerd();
  slow = await startSlowExitEngine(d.socket, path.join(d.scratch, 'slow.sock'), EXIT_HANDLING_MS);
  for (const name of ['quiet', 'doomed'])
    await d.cmd(`run -d --init --name ${name} --network none`, TEST_IMAGE, 'sleep', '100000');
  rig = await startDockerRig(
    [
      'listen: { host: 127.0.0.1, port: 0 }',
      'containers:',
      '  - id: nas',
      `    socket: ${slow.socket}`,
      '    watch: [quiet, doomed]',
      '',
    ].join('\n'),
    dir.dir,
    { hostBootAt: Date.now() - 24 * 3600_000, selfIds: [] },
  );
  await waitFor(() => container('doomed')?.state === 'running', 30_000, 'the first sync');
});

afterAll(async () => {
  await rig?.close();
  await slow?.close();
  await d?.close();
  dir.remove();
});

describe('an engine slow to finish with an exit', () => {
  it('does not report a docker stop as a death when its stop comes seconds after the die', async () => {
    await d.run('stop', 'quiet');
    await waitFor(() => container('quiet')?.state === 'exited', 20_000, 'quiet exited');
    await new Promise((r) => setTimeout(r, 2000));
    expect(died('quiet')).toEqual([]);
  });

  it('still reports a docker kill as a death', async () => {
    await d.run('kill', 'doomed');
    const e = await waitFor(() => died('doomed')[0], 20_000, 'containers.died for doomed');
    expect(e.data).toMatchObject({ exitCode: 137 });
  });
});
