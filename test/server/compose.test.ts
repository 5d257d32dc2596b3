// `lifeline start`: one server carries this home's own sessions, the embedded relay's agent links
// and the sessions it forwards to other homes, and both sides' metrics.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentWithRelay, composeAgentWithRelay } from '../../server/compose.js';
import { loadConfig } from '../../server/config/load.js';
import { silentLogger } from '../../server/log.js';
import { sessionUrl } from '../../shared/pairing-link.js';
import { openClientSession } from '../../shared/session/client-session.js';
import { generateIdentity } from '../../shared/session/keys.js';
import {
  openSocket,
  pairDevice,
  prepareAgentDir,
  startTestAgent,
  type TestAgent,
  waitFor,
} from '../harness/agent.js';
import { linkOf, linkUp } from '../harness/relay.js';

let near: AgentWithRelay;
let nearUrl: string;
let nearDir: Awaited<ReturnType<typeof prepareAgentDir>>;
let far: TestAgent;

beforeAll(async () => {
  const farDir = await prepareAgentDir();
  nearDir = await prepareAgentDir();
  const file = path.join(nearDir.dir, 'lifeline.yaml');
  writeFileSync(
    file,
    `home: { name: Near }\nlisten: { host: 127.0.0.1, port: 0 }\nrelayServer: { homes: [${farDir.homeId}] }\n`,
  );
  near = await composeAgentWithRelay({ loaded: loadConfig(file), log: silentLogger, port: 0 });
  nearUrl = await near.agent.listen();
  far = await startTestAgent(
    { yaml: `home: { name: Far }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${nearUrl}" }\n` },
    farDir,
  );
  await linkUp(far);
});

afterAll(async () => {
  await far?.close();
  await near?.close();
  nearDir?.remove();
});

describe('agent and relay on one server', () => {
  it("serves this home's sessions itself, directly", async () => {
    const { client } = await pairDevice({ agent: near.agent, url: nearUrl } as TestAgent, 'phone');
    expect(client.welcome.path).toBe('direct');
    expect(client.welcome.agent.name).toBe('Near');
    client.close();
  });

  it('links the agent to its own relay, as it would to a remote one', async () => {
    await waitFor(() => near.agent.state.get('relay', 'link')?.connected, 10_000, 'own relay link');
    expect((await near.relay.status(near.agent.homeId))?.online).toBe(true);
  });

  it("forwards another home's sessions over that home's link", async () => {
    const { client } = await pairDevice(far, 'phone far away', nearUrl);
    expect(client.welcome.path).toBe('relay');
    expect(client.welcome.agent.name).toBe('Far');
    expect(linkOf(far)?.url).toBe(`${nearUrl.replace('http', 'ws')}/ws/agent`);
    client.close();
  });

  it('refuses a home the relay does not serve, with the reason', async () => {
    const { identity } = await generateIdentity(false);
    const { transport } = await openSocket(sessionUrl(nearUrl, 'a'.repeat(43)));
    await expect(
      openClientSession(transport, {
        homeId: 'a'.repeat(43),
        device: identity,
        client: { kind: 'ctl', version: 'test' },
      }),
    ).rejects.toThrow(/this relay does not serve that home/);
  });

  it("shows the agent's and the relay's metrics together", async () => {
    const text = await (await fetch(`${nearUrl}/metrics`)).text();
    expect(text).toContain('# TYPE lifeline_commands_total counter');
    expect(text).toMatch(/^lifeline_relay_agent_links 2$/m);
  });
});
