// Reach home without DDNS: the agent dials out to the relay; phones and ctl reach it through the
// relay with the same end-to-end session as directly.
import { afterEach, describe, expect, it } from 'vitest';
import { sessionUrl } from '../../../shared/pairing-link.js';
import { openClientSession } from '../../../shared/session/client-session.js';
import { generateIdentity } from '../../../shared/session/keys.js';
import {
  openSocket,
  pairDevice,
  prepareAgentDir,
  startTestAgent,
  type TestAgent,
  waitFor,
} from '../../harness/agent.js';
import { linkOf, linkUp, startTestRelay, type TestRelay } from '../../harness/relay.js';

let relay: TestRelay | undefined;
let agent: TestAgent | undefined;
afterEach(async () => {
  await agent?.close();
  await relay?.close();
  agent = relay = undefined;
});

const config = (relayUrl: string) => () =>
  `home: { name: Relay home }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relayUrl}", heartbeatSeconds: 2 }\n`;

/** A new device opening a session to a home through the relay: open, limited, or refused otherwise. */
async function attempt(relayUrl: string, homeId: string): Promise<'open' | 'limited' | 'offline'> {
  const { identity } = await generateIdentity(false);
  const { transport } = await openSocket(sessionUrl(relayUrl, homeId));
  return openClientSession(transport, {
    homeId,
    device: identity,
    client: { kind: 'ctl', version: 't' },
  }).then(
    () => 'open' as const,
    (e: Error) => (e.message.includes('too many') ? 'limited' : 'offline'),
  );
}

async function setup() {
  const prepared = await prepareAgentDir();
  relay = await startTestRelay({ homes: [prepared.homeId] });
  agent = await startTestAgent({ yaml: config(relay.url) }, prepared);
  await linkUp(agent!);
  return { relay, agent, homeId: prepared.homeId };
}

describe('relay path', () => {
  it('pairs and works through the relay, and the session says so', async () => {
    const { relay, agent } = await setup();
    const { client, device } = await pairDevice(agent, 'phone via relay', relay.url);
    expect(client.welcome.path).toBe('relay');
    const r = await client.command('devices.rename', {
      target: device.id,
      args: { name: 'renamed via relay' },
    });
    expect(r.status).toBe('ok');
    const link = client.get('relay', 'link');
    expect(link).toMatchObject({
      connected: true,
      observedAddress: '127.0.0.1',
      vapidPublicKey: relay.relay.vapidPublicKey,
    });
    client.close();
  });

  it('tells a client plainly when home is offline', async () => {
    const { relay, agent, homeId } = await setup();
    await agent.stop();
    await waitFor(
      async () => (await relay.relay.status(homeId))?.online === false,
      10_000,
      'relay sees the link drop',
    );
    const { identity } = await generateIdentity(false);
    const { transport } = await openSocket(sessionUrl(relay.url, homeId));
    await expect(
      openClientSession(transport, { homeId, device: identity, client: { kind: 'ctl', version: 't' } }),
    ).rejects.toMatchObject({
      message: expect.stringContaining('home is offline'),
    });
  });

  it('refuses an agent whose home it does not serve, and the agent says why', async () => {
    const prepared = await prepareAgentDir();
    relay = await startTestRelay({ homes: [] });
    agent = await startTestAgent({ yaml: config(relay.url) }, prepared);
    const info = await waitFor(
      () => {
        const l = linkOf(agent!);
        return l?.lastError?.includes('does not serve') ? l : undefined;
      },
      10_000,
      'refusal',
    );
    expect(info.connected).toBe(false);
    expect(info.lastError).toContain(prepared.homeId);
  });

  it('refuses sessions for homes it does not serve', async () => {
    relay = await startTestRelay({ homes: [] });
    const other = (await generateIdentity(false)).identity;
    const { transport } = await openSocket(sessionUrl(relay.url, other.id));
    await expect(
      openClientSession(transport, {
        homeId: other.id,
        device: other,
        client: { kind: 'ctl', version: 't' },
      }),
    ).rejects.toMatchObject({ message: expect.stringContaining('does not serve') });
  });

  it('rate-limits connection attempts from one address', async () => {
    const prepared = await prepareAgentDir();
    relay = await startTestRelay({
      homes: [prepared.homeId],
      settings: { limits: { connectsPerMinute: 3, sessionsPerHome: 64, pipesPerHome: 128 } },
    });
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(await attempt(relay.url, prepared.homeId));
    expect(outcomes).toEqual(['offline', 'offline', 'offline', 'limited', 'limited']);
  });

  it('counts an address per home, and all its homes together against a larger limit', async () => {
    const [a, b] = [await prepareAgentDir(), await prepareAgentDir()];
    relay = await startTestRelay({
      homes: [a.homeId, b.homeId],
      settings: {
        limits: { connectsPerMinute: 3, sourceConnectsPerMinute: 5, sessionsPerHome: 64, pipesPerHome: 128 },
      },
    });
    const outcomes: string[] = [];
    // A flood against home A from this address: three a minute get through, the rest are refused
    // without being charged to the address.
    for (let i = 0; i < 5; i++) outcomes.push(`a:${await attempt(relay.url, a.homeId)}`);
    // The same address still reaches home B, until the address's own limit (5) is used up.
    for (let i = 0; i < 3; i++) outcomes.push(`b:${await attempt(relay.url, b.homeId)}`);
    expect(outcomes).toEqual([
      'a:offline',
      'a:offline',
      'a:offline',
      'a:limited',
      'a:limited',
      'b:offline',
      'b:offline',
      'b:limited',
    ]);
  });

  it('reconnects within seconds after a relay restart, without restarting the agent', async () => {
    const { relay, agent } = await setup();
    await relay.restart();
    await waitFor(() => linkOf(agent)?.connected === false || undefined, 10_000, 'drop seen');
    await waitFor(() => linkOf(agent)?.connected, 15_000, 'reconnect');
    const { client } = await pairDevice(agent, 'after restart', relay.url);
    expect(client.welcome.path).toBe('relay');
    client.close();
  });
});
