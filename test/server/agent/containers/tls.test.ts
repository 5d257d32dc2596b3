// A Docker engine over TCP with mutual TLS (`dockerd --tlsverify`), as a NAS is often reached.
import { copyFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineInfo } from '../../../../shared/protocol/vocabulary.js';
import { startTestAgent, type TestAgent, waitFor } from '../../../harness/agent.js';
import { runCli } from '../../../harness/cli.js';
import { startDockerd, TEST_IMAGE, type TestDockerd } from '../../../harness/dockerd.js';

let d: TestDockerd;
let t: TestAgent;
let keyCopy: string;

const engine = (id: string) => t.agent.state.get('containers.engine', id) as EngineInfo | undefined;

beforeAll(async () => {
  d = await startDockerd({ tls: true });
  await d.cmd('run -d --init --name over-tls --network none', TEST_IMAGE, 'sleep', '100000');
  const tls = d.tls!;
  // The third engine's key is not there yet (the NAS share with the certificates is not mounted).
  keyCopy = path.join(d.scratch, 'late-key.pem');
  t = await startTestAgent({
    yaml: [
      'listen: { host: 127.0.0.1, port: 0 }',
      'docker:',
      '  - id: nas',
      `    url: ${tls.url}`,
      `    tls: { ca: ${tls.ca}, cert: ${tls.cert}, key: ${tls.key} }`,
      '  - id: plain',
      `    url: ${tls.url.replace('tcp://', 'http://')}`,
      '  - id: late',
      `    url: ${tls.url}`,
      `    tls: { ca: ${tls.ca}, cert: ${tls.cert}, key: ${keyCopy} }`,
      '',
    ].join('\n'),
  });
});

afterAll(async () => {
  await t?.close();
  await d?.close();
});

describe('an engine over TCP with TLS', () => {
  it('attaches with the client certificate and shows its containers', async () => {
    const e = await waitFor(() => engine('nas')?.reachable && engine('nas'), 20_000, 'nas reachable');
    expect(e.endpoint).toBe(`${d.tls!.url} (TLS)`);
    expect(e.apiVersion).toMatch(/^1\.\d+$/);
    await waitFor(() => t.agent.state.get('containers', 'nas/over-tls'), 10_000, 'its container');
  });

  it('reports an engine that wants TLS, reached without it, as unreachable', async () => {
    const e = await waitFor(
      () => engine('plain')?.reason !== 'connecting…' && engine('plain'),
      20_000,
      'a reason',
    );
    expect(e.reachable).toBe(false);
    expect(e.reason).toMatch(/Docker answered 400|reset|TLS/);
  });

  it('waits for a TLS file that is missing, and attaches by itself once it is there', async () => {
    const e = await waitFor(
      () => engine('late')?.reason?.includes('TLS') && engine('late'),
      20_000,
      'a reason',
    );
    expect(e.reason).toBe(`cannot read the TLS key file ${keyCopy} (ENOENT)`);
    copyFileSync(d.tls!.key, keyCopy);
    await waitFor(() => engine('late')?.reachable, 20_000, 'late reachable');
    rmSync(keyCopy);
  });

  it('lifeline check shows the TLS engine reachable and the others not', async () => {
    const r = await runCli(['check', '-c', path.join(t.dir, 'lifeline.yaml'), '--json']);
    const rows = (JSON.parse(r.stdout) as { checks: { name: string; status: string; detail: string }[] })
      .checks;
    expect(rows.find((x) => x.name === 'docker nas')).toMatchObject({ status: 'ok' });
    expect(rows.find((x) => x.name === 'docker nas')?.detail).toContain('(TLS): Docker');
    expect(rows.find((x) => x.name === 'docker plain')).toMatchObject({ status: 'fail' });
    expect(rows.find((x) => x.name === 'docker late')?.detail).toContain('cannot read the TLS key file');
    expect(r.stdout).not.toContain('PRIVATE KEY');
  });
});
