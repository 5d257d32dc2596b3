// How benchmarks reach an agent: a WebSocket transport, and a freshly paired client.
import WebSocket from 'ws';
import { wsTransport } from '../dist/server/ws-transport.js';
import { AgentClient } from '../dist/shared/client/agent-client.js';
import { sessionUrl } from '../dist/shared/pairing-link.js';
import { openClientSession } from '../dist/shared/session/client-session.js';
import { generateIdentity } from '../dist/shared/session/keys.js';

export async function openTransport(url) {
  const socket = new WebSocket(url);
  const transport = wsTransport(socket);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return transport;
}

/** Pairs a new device with an in-process agent and returns its ready client. */
export async function pairedClient(agent, url) {
  const { identity } = await generateIdentity(false);
  const { code } = agent.pairing.create(null);
  const session = await openClientSession(await openTransport(sessionUrl(url, agent.homeId)), {
    homeId: agent.homeId,
    device: identity,
    client: { kind: 'ctl', version: 'bench' },
    pair: { code, name: 'bench' },
  });
  const client = new AgentClient(session);
  await client.ready();
  return client;
}
