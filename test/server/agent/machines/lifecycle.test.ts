// The capability inside a real agent process (loopback only: nothing here sends a magic packet):
// it starts with hosts configured, keeps them current, and stop() leaves nothing running.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostInfo } from '../../../../shared/protocol/vocabulary.js';
import { startTestAgent, type TestAgent, waitFor } from '../../../harness/agent.js';

const WATCHED = new Set(['Timeout', 'TCPSocketWrap', 'TCPWrap', 'UDPWrap', 'ProcessWrap', 'PipeWrap']);
const resources = () => process.getActiveResourcesInfo().filter((r) => WATCHED.has(r));

let server: net.Server;
let baseline: number;

beforeAll(async () => {
  server = net.createServer((c) => c.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
});
afterAll(() => {
  server.close();
});

describe('Wake-on-LAN capability lifecycle', () => {
  let t: TestAgent;

  it('publishes every configured host at start and probes it', async () => {
    baseline = resources().length;
    const port = (server.address() as net.AddressInfo).port;
    t = await startTestAgent({
      yaml: `listen: { host: 127.0.0.1, port: 0 }
machines:
  - { id: svc, name: Service, mac: "a8:a1:59:00:03:01", address: 127.0.0.1, probe: { tcp: ${port} }, probeIntervalSeconds: 5 }
  - { id: pinged, mac: "a8:a1:59:00:03:02", address: 127.0.0.1, probeIntervalSeconds: 5 }
  - { id: bare, mac: "a8:a1:59:00:03:03" }
`,
    });
    const host = (id: string) => t.agent.state.get('machines', id) as HostInfo | undefined;
    expect(host('bare')).toMatchObject({
      name: 'bare',
      probe: { kind: 'none' },
      presence: { state: 'unknown', problem: { code: 'no-address' } },
      wake: null,
    });
    await waitFor(() => host('svc')?.presence.state === 'online', 15_000, 'svc online');
    await waitFor(() => host('pinged')?.presence.state === 'online', 15_000, 'pinged online');
    expect(host('svc')!.presence.answer).toBe(`port ${port} open`);
    expect(host('pinged')!.probe).toEqual({ kind: 'icmp' });
  });

  it('leaves no timer, socket or process behind when the agent stops', async () => {
    await t.close();
    await waitFor(() => resources().length <= baseline, 10_000, 'resources released').catch(() => undefined);
    expect(resources()).toHaveLength(baseline);
  });
});
