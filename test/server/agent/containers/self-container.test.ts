// An agent that runs in a container on an engine it manages treats that container as a lifeline:
// stopping it would cut every way in. The detection runs inside a real container here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfContainerIds } from '../../../../server/agent/containers/self-container.js';
import type { ContainerInfo } from '../../../../shared/protocol/vocabulary.js';
import { waitFor } from '../../../harness/agent.js';
import { startDockerRig } from '../../../harness/docker-capability.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../../harness/dockerd.js';
import { tempDir } from '../../../harness/temp.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const MODULE = path.join(ROOT, 'dist/server/agent/containers/self-container.js');

let d: TestDockerd;
let agentId: string;
const tmp = tempDir();

beforeAll(async () => {
  d = await startDockerd();
  // The host's own node, read-only, runs the built module inside the container.
  const usr = path.dirname(path.dirname(process.execPath));
  const script = `import(${JSON.stringify(MODULE)}).then((m) => console.log(JSON.stringify(m.selfContainerIds())))`;
  agentId = await d.cmd(
    `run -d --init --name agent --network none -v /usr:/usr:ro -v /usr/lib:/lib:ro -v /usr/lib64:/lib64:ro -v ${usr}:${usr}:ro -v ${ROOT}:${ROOT}:ro`,
    TEST_IMAGE,
    'sh',
    '-c',
    `${process.execPath} -e '${script}' > /tmp/ids; exec sleep 100000`,
  );
});

afterAll(async () => {
  await d?.close();
  tmp.remove();
});

describe('the container this agent runs in', () => {
  it('is recognised from inside the container', async () => {
    const ids = await waitFor(
      async () => {
        const r = await d.docker(['exec', 'agent', 'cat', '/tmp/ids']);
        return r.code === 0 && r.stdout.trim() ? (JSON.parse(r.stdout) as string[]) : undefined;
      },
      30_000,
      'the ids written inside the container',
    );
    expect(ids).toEqual([agentId]);
  });

  it('is nothing on a host outside any container', () => {
    expect(selfContainerIds(() => '0::/user.slice/session-1.scope\n')).toEqual([]);
  });

  it('is a lifeline: stopping it is refused, restarting it says every session drops', async () => {
    const rig = await startDockerRig(
      ['listen: { host: 127.0.0.1, port: 0 }', 'docker:', '  - id: host', `    socket: ${d.socket}`, ''].join(
        '\n',
      ),
      tmp.dir,
      { selfIds: [agentId] },
    );
    try {
      const info = await waitFor(
        () => rig.ctx.state.get('containers', 'host/agent') as ContainerInfo | undefined,
        20_000,
        'agent container',
      );
      expect(info).toMatchObject({
        self: true,
        lifeline: true,
        watched: true,
        lifelineWhy: 'it runs this Lifeline agent',
      });
      const stop = await rig.command('containers.stop', 'host/agent');
      expect(stop).toMatchObject({ status: 'error', error: { code: 'refused' } });
      if (stop.status === 'error') expect(stop.error.message).toContain('runs this Lifeline agent');
      const restart = await rig.command('containers.restart', 'host/agent');
      expect(restart.status).toBe('confirm');
      if (restart.status === 'confirm')
        expect(restart.confirm.consequences.join(' ')).toContain('every open session');
    } finally {
      await rig.close();
    }
  });
});
