// What is at the other end of a configured socket is not always a healthy Docker engine: something
// that is not Docker at all, or an engine whose answers are partly garbage. The agent reports it,
// keeps what it can read, and never crashes.
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContainerInfo, EngineInfo } from '../../../../shared/protocol/vocabulary.js';
import { startTestAgent, type TestAgent, waitFor } from '../../../harness/agent.js';
import { tempDir } from '../../../harness/temp.js';

const tmp = tempDir('lld-bad-');
const GOOD = 'a'.repeat(64);
const BROKEN = 'b'.repeat(64);
const servers: { close(cb: () => void): void }[] = [];
let t: TestAgent;

const inspectOf = (id: string, name: string) => ({
  Id: id,
  Name: `/${name}`,
  Image: 'sha256:1234',
  Created: '2026-01-01T00:00:00Z',
  RestartCount: 'many',
  State: {
    Status: 'running',
    Running: true,
    ExitCode: 0,
    StartedAt: 'yesterday',
    FinishedAt: 7,
    OOMKilled: 'no',
  },
  Config: { Image: 'example/app:1', Labels: { 'com.docker.compose.project': 42 } },
  HostConfig: { RestartPolicy: { Name: null } },
});

/** Answers like Docker for one container, with garbage around it. */
function partlyBroken(): Server {
  return createHttpServer((req, res) => {
    const url = req.url ?? '';
    const json = (v: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(v));
    if (url.endsWith('/version')) return json({ ApiVersion: '1.41', Version: 'fake' });
    if (url.startsWith('/containers/json'))
      return json([{ Id: GOOD }, { Id: BROKEN }, 'garbage', { Id: '../etc' }]);
    if (url.startsWith(`/containers/${GOOD}/json`)) return json(inspectOf(GOOD, 'good'));
    if (url.startsWith(`/containers/${BROKEN}/json`)) return json({ Id: BROKEN, Name: 5, State: 'odd' });
    if (url.startsWith('/events')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('this is not json\n{"half": \n');
      res.write(`${JSON.stringify({ Type: 'container', Action: 'start', Actor: { ID: BROKEN } })}\n`);
      res.write(
        `${JSON.stringify({ Type: 'container', Action: 'die', Actor: { ID: GOOD, Attributes: { exitCode: 'x' } } })}\n`,
      );
      return; // and stays open, as Docker's does
    }
    res.writeHead(404).end('{"message":"page not found"}');
  });
}

/** Accepts connections and answers with bytes that are not HTTP. */
function notHttp() {
  return createNetServer((socket) => {
    socket.resume(); // read, so that the client's close is seen
    socket.end('SSH-2.0-OpenSSH_9.2\r\n');
  });
}

/** HTTP, but a web page rather than an engine. */
function webPage(): Server {
  return createHttpServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>NAS login</h1>'),
  );
}

beforeAll(async () => {
  const listen = (srv: Server | ReturnType<typeof createNetServer>, name: string) =>
    new Promise<void>((r) => {
      servers.push(srv);
      srv.listen(path.join(tmp.dir, name), () => r());
    });
  await listen(partlyBroken(), 'broken.sock');
  await listen(notHttp(), 'ssh.sock');
  await listen(webPage(), 'web.sock');
  t = await startTestAgent({
    yaml: [
      'listen: { host: 127.0.0.1, port: 0 }',
      'docker:',
      ...['broken', 'ssh', 'web'].flatMap((id) => [
        `  - id: ${id}`,
        `    socket: ${path.join(tmp.dir, `${id}.sock`)}`,
      ]),
      '',
    ].join('\n'),
  });
});

afterAll(async () => {
  await t?.close();
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  tmp.remove();
});

const engine = (id: string) => t.agent.state.get('containers.engine', id) as EngineInfo | undefined;

describe('an engine that answers garbage', () => {
  it('keeps the container it can read, skips the one it cannot, and stays up', async () => {
    const good = await waitFor(
      () => t.agent.state.get('containers', 'broken/good') as ContainerInfo | undefined,
      10_000,
      'the readable container',
    );
    expect(good).toMatchObject({
      state: 'running',
      project: null,
      oomKilled: false,
      restartCount: 0,
      restartPolicy: 'no',
      startedAt: null,
      finishedAt: null,
    });
    expect(engine('broken')).toMatchObject({ reachable: true, engineVersion: 'fake', containers: 1 });
    expect(t.agent.state.list('containers').map((c) => c.id)).toEqual(['broken/good']);
  });

  it('reports something that is not HTTP as unreachable, with a reason', async () => {
    const e = await waitFor(
      () => engine('ssh')?.reason !== 'connecting…' && engine('ssh'),
      10_000,
      'a reason',
    );
    expect(e.reachable).toBe(false);
    expect(e.reason).toBeTruthy();
    expect(e.reason!.length).toBeLessThan(300);
  });

  it('reports a web page where the engine should be as not a Docker engine', async () => {
    const e = await waitFor(
      () => engine('web')?.reason !== 'connecting…' && engine('web'),
      10_000,
      'a reason',
    );
    expect(e).toMatchObject({
      reachable: false,
      reason: expect.stringContaining('does not answer like a Docker engine'),
    });
  });

  it('still answers its sessions', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    expect(t.agent.state.get('agent', 'self')).toBeTruthy();
  });

  it('closes its connections to the engines when it stops (idle pooled ones within seconds)', async () => {
    await t.close();
    const open = () =>
      Promise.all(
        servers.map((s) => new Promise<number>((r) => (s as Server).getConnections((_e, n) => r(n)))),
      );
    await waitFor(async () => (await open()).every((n) => n === 0), 10_000, 'no connection left');
  });
});
