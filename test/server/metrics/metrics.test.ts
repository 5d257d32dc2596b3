// /metrics on the agent and the relay: what an operator's Prometheus scrapes, to loopback (and the
// configured addresses) only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelayApp } from '../../../server/relay/app.js';
import { pairDevice, prepareAgentDir, startTestAgent, type TestAgent } from '../../harness/agent.js';
import { linkUp, startTestRelay, type TestRelay } from '../../harness/relay.js';

let relay: TestRelay;
let t: TestAgent;

beforeAll(async () => {
  const prepared = await prepareAgentDir();
  relay = await startTestRelay({ homes: [prepared.homeId] });
  const relayUrl = relay.url;
  t = await startTestAgent(
    {
      yaml: () =>
        `listen: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relayUrl}", heartbeatSeconds: 2 }\nmetrics: { allow: [10.9.0.0/16] }\n`,
    },
    prepared,
  );
  await linkUp(t);
});

afterAll(async () => {
  await t?.close();
  await relay?.close();
});

const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.split(' ').pop());
};

describe('metrics', () => {
  it('counts commands by outcome, guard refusals and open sessions on the agent', async () => {
    const { client, device } = await pairDevice(t, 'phone', relay.url);
    await client.command('devices.rename', { target: device.id, args: { name: 'renamed' } });
    await client.command('devices.revoke', { target: device.id, args: {} }); // confirm-required
    await client.command('devices.revoke', { target: 'no-such-device', args: {} }); // refused
    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(value(text, 'lifeline_commands_total{action="devices.rename",outcome="ok"}')).toBe(1);
    expect(value(text, 'lifeline_commands_total{action="devices.revoke",outcome="confirm-required"}')).toBe(
      1,
    );
    expect(value(text, 'lifeline_guard_refusals_total{action="devices.revoke",code="not-found"}')).toBe(1);
    expect(value(text, 'lifeline_sessions_open{path="relay"}')).toBe(1);
    expect(value(text, 'lifeline_sessions_open{path="direct"}')).toBe(0);
    expect(text).toContain('lifeline_agent_process_resident_memory_bytes');
    client.close();
  });

  it('shows links, sessions and heartbeat gaps on the relay', async () => {
    await new Promise((r) => setTimeout(r, 4500)); // two heartbeats
    const text = await (await fetch(`${relay.url}/metrics`)).text();
    expect(value(text, 'lifeline_relay_agent_links')).toBe(1);
    expect(value(text, 'lifeline_relay_homes_online')).toBe(1);
    expect(value(text, 'lifeline_relay_heartbeat_gap_seconds_count')).toBeGreaterThanOrEqual(2);
    expect(value(text, 'lifeline_relay_heartbeat_gap_seconds_bucket{le="5"}')).toBeGreaterThanOrEqual(2);
  });

  it('is served to loopback and the allowed networks only', async () => {
    const from = (remoteAddress: string) =>
      t.agent.app.inject({ method: 'GET', url: '/metrics', remoteAddress });
    expect((await from('10.9.3.4')).statusCode).toBe(200);
    expect((await from('192.168.1.20')).statusCode).toBe(403);
    expect((await from('::ffff:127.0.0.1')).statusCode).toBe(200);
    const relayApp = await buildRelayApp({ relay: relay.relay, trustProxy: [] });
    try {
      expect(
        (await relayApp.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' })).statusCode,
      ).toBe(403);
    } finally {
      await relayApp.close();
    }
  });
});
