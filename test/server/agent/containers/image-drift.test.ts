// Image drift against a real dockerd, through a real agent: for each container, the image it runs
// against the one its reference points to now on that engine. A tag moved under a running container
// (a pull or build since) marks exactly that container as changing at its next recreate; a `latest`
// one as changing at the next pull; a versioned tag that still matches as neither.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftOf } from '../../../../server/agent/containers/image-drift.js';
import type { ContainerInfo } from '../../../../shared/protocol/containers.js';
import { startTestAgent, type TestAgent, waitFor } from '../../../harness/agent.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../../harness/dockerd.js';

let d: TestDockerd;
let t: TestAgent;
const container = (name: string) =>
  t.agent.state.get('containers', `test/${name}`) as ContainerInfo | undefined;
const driftOfName = (name: string, ok: (c: ContainerInfo) => boolean, what: string) =>
  waitFor(
    () => {
      const c = container(name);
      return c?.drift && ok(c) ? c.drift : undefined;
    },
    30_000,
    what,
  );

beforeAll(async () => {
  d = await startDockerd();
  for (const tag of ['lifeline-test/app:1.0', 'lifeline-test/app:latest', 'lifeline-test/moves:1'])
    await d.run('tag', TEST_IMAGE, tag);
  await d.cmd('run -d --init --network none --name versioned', 'lifeline-test/app:1.0', 'sleep', '100000');
  await d.cmd('run -d --init --network none --name floating', 'lifeline-test/app:latest', 'sleep', '100000');
  await d.cmd('run -d --init --network none --name mover', 'lifeline-test/moves:1', 'sleep', '100000');
  t = await startTestAgent({
    yaml: [
      'home: { name: Drift home }',
      'listen: { host: 127.0.0.1, port: 0 }',
      'containers:',
      '  - id: test',
      `    socket: ${d.socket}`,
      '',
    ].join('\n'),
    hostBootAt: Date.now() - 24 * 3600_000,
  });
}, 120_000);

afterAll(async () => {
  await t?.close();
  await d?.close();
});

describe('image drift', () => {
  it('says a versioned tag that still matches changes nothing, and a latest one changes at the next pull', async () => {
    const versioned = await driftOfName('versioned', (c) => c.drift?.status !== 'unknown', 'versioned drift');
    expect(versioned).toMatchObject({ status: 'current', changesOn: null });
    const floating = await driftOfName('floating', (c) => c.drift?.status !== 'unknown', 'floating drift');
    expect(floating).toMatchObject({ status: 'current', changesOn: 'pull' });
    expect(container('floating')!.pin).toBe('latest');
  });

  it('marks exactly the container whose tag moved meanwhile as changing at its next recreate', async () => {
    const before = await driftOfName('mover', (c) => c.drift?.status === 'current', 'mover current');
    expect(before.changesOn).toBeNull();
    // A new build under the same tag, as `docker compose build` or a pull would leave it.
    await d.cmd('run --name builder --network none', TEST_IMAGE, 'sh', '-c', 'echo 2 > /version');
    const newId = (await d.run('commit', 'builder', 'lifeline-test/moves:1')).trim();
    const moved = await driftOfName('mover', (c) => c.drift?.status === 'moved', 'mover moved');
    expect(moved).toMatchObject({
      status: 'moved',
      changesOn: 'recreate',
      tagImageId: newId.replace(/^sha256:/, '').slice(0, 12),
    });
    // The others are not touched.
    expect(container('versioned')!.drift).toMatchObject({ status: 'current', changesOn: null });
    expect(container('floating')!.drift).toMatchObject({ changesOn: 'pull' });
  });

  it('says a digest-pinned image changes nothing, and a removed tag means a recreate would fail or differ', () => {
    const facts = { id: 'sha256:aaa', repoDigests: ['nas.lan:5000/app@sha256:111'], createdAt: 1 };
    expect(driftOf('digest', 'sha256:aaa', facts, 'nas.lan:5000/app@sha256:111', null)).toMatchObject({
      status: 'pinned',
      changesOn: null,
      runningDigest: 'nas.lan:5000/app@sha256:111',
    });
    expect(driftOf('tag', 'sha256:aaa', facts, 'nas.lan:5000/app:1.2', null)).toMatchObject({
      status: 'missing',
      changesOn: 'recreate',
    });
  });
});
