// Probes against real stacks: loopback here, and — for silence and ICMP permissions — inside a
// private network namespace, running the built probe module there.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProbeResult, probeIcmp, probeTcp } from '../../../../server/agent/machines/probe.js';
import { freePort } from '../../../harness/cli.js';
import { createLab, type Lab } from '../../../harness/netns.js';
import { tempDir } from '../../../harness/temp.js';

const PROBE = fileURLToPath(new URL('../../../../dist/server/agent/machines/probe.js', import.meta.url));

let lab: Lab;
const tmp = tempDir();

beforeAll(() => {
  lab = createLab();
});
afterAll(async () => {
  await lab?.close();
  tmp.remove();
});

/** Runs a probe of the built agent inside the lab's namespace, optionally as an unprivileged user. */
function probeInLab(call: string, opts: { asNobody?: boolean } = {}): Promise<ProbeResult> {
  const script = `import * as p from ${JSON.stringify(PROBE)}; console.log(JSON.stringify(await p.${call}));`;
  const node = [process.execPath, '--input-type=module', '-e', script];
  const command = opts.asNobody
    ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...node]
    : node;
  return new Promise((resolve, reject) =>
    execFile('ip', ['netns', 'exec', lab.agentNs, ...command], { timeout: 20_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as ProbeResult),
    ),
  );
}

describe('TCP probe', () => {
  it('counts an open port as up', async () => {
    const server = net.createServer((c) => c.end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as net.AddressInfo;
    try {
      expect(await probeTcp('127.0.0.1', port, 2000)).toEqual({
        up: true,
        answer: `port ${port} open`,
        answerMsg: { key: 'machines.answer.open', params: { port } },
      });
    } finally {
      server.close();
    }
  });

  it('counts a refused connection as up: only a live host sends a reset', async () => {
    const port = await freePort();
    expect(await probeTcp('127.0.0.1', port, 2000)).toEqual({
      up: true,
      answer: `port ${port} closed, host answered`,
      answerMsg: { key: 'machines.answer.closed', params: { port } },
    });
  });

  it('reports a silent address as down', async () => {
    expect(await probeInLab(`probeTcp('${lab.net}.77', 22, 1500)`)).toMatchObject({ up: false });
  });
});

describe('ICMP probe', () => {
  it('gets an echo reply from a live address', async () => {
    expect(await probeInLab(`probeIcmp('${lab.agentIp}', 1500)`)).toMatchObject({
      up: true,
      answer: 'echo reply',
      answerMsg: { key: 'machines.answer.echo' },
    });
  });

  it('reports no echo reply as down', async () => {
    expect(await probeInLab(`probeIcmp('${lab.net}.77', 1000)`)).toEqual({
      up: false,
      detail: 'no echo reply',
    });
  });

  it('says plainly when the ping command is missing', async () => {
    const r = await probeIcmp('127.0.0.1', 1000, path.join(tmp.dir, 'no-such-ping'));
    expect(r).toMatchObject({ up: null, problem: { code: 'icmp-unavailable' } });
    if (r.up === null) expect(r.problem.message).toContain('apt install iputils-ping');
  });

  it('says plainly when ICMP is not permitted, instead of calling the host down', async () => {
    // A copy of ping loses its cap_net_raw, and a fresh namespace allows no unprivileged ping sockets.
    const ping = path.join(tmp.dir, 'ping');
    copyFileSync('/usr/bin/ping', ping);
    chmodSync(tmp.dir, 0o755);
    chmodSync(ping, 0o755);
    const r = await probeInLab(`probeIcmp('127.0.0.1', 1000, ${JSON.stringify(ping)})`, { asNobody: true });
    expect(r).toMatchObject({ up: null, problem: { code: 'icmp-not-permitted' } });
    if (r.up === null) expect(r.problem.message).toMatch(/CAP_NET_RAW.*ping_group_range/);
  });
});
