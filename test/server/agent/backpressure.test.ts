// Nothing is buffered without limit: a phone that stops reading (a dead mobile network, a tab
// frozen in the background) while asking for more, or a relay that stops taking the link's
// bytes, is dropped and reconnects; the agent's memory does not grow with what it cannot send.
import { afterEach, describe, expect, it } from 'vitest';
import { sessionUrl } from '../../../shared/pairing-link.js';
import { openClientSession } from '../../../shared/session/client-session.js';
import {
  openSocket,
  pairDevice,
  prepareAgentDir,
  startTestAgent,
  type TestAgent,
  waitFor,
} from '../../harness/agent.js';
import { linkUp, startTestRelay, type TestRelay } from '../../harness/relay.js';

let t: TestAgent | undefined;
let relay: TestRelay | undefined;
afterEach(async () => {
  await t?.close();
  await relay?.close();
  t = relay = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A home with a hundred machines: each snapshot is tens of kilobytes, as a real home's is.
const machines = Array.from(
  { length: 100 },
  (_, i) =>
    `  - { id: pc${i}, name: "Machine ${i} in the rack", mac: "02:00:00:00:00:${i.toString(16).padStart(2, '0')}", address: 192.0.2.${i + 1} }`,
).join('\n');
const home = `listen: { host: 127.0.0.1, port: 0 }\nmachines:\n${machines}\n`;

/** A session whose socket no longer reads, asking for snapshot after snapshot at a pace it could send. */
async function floodWithoutReading(
  base: string,
  homeId: string,
  device: Parameters<typeof openClientSession>[1]['device'],
  agentKey: Uint8Array,
) {
  const { socket, transport } = await openSocket(sessionUrl(base, homeId));
  const session = await openClientSession(transport, {
    homeId,
    pinnedAgentKey: agentKey,
    device,
    client: { kind: 'ctl', version: 'test' },
  });
  let closedWith: number | null = null;
  socket.on('close', (code) => {
    closedWith = code;
  });
  socket.pause();
  let sent = 0;
  // Snapshots asked for one after another: far past the kernel's socket buffers and the limit.
  while (sent < 5000 && socket.readyState === socket.OPEN) {
    await session.send({ t: 'resync' });
    sent++;
    await sleep(1);
  }
  return { socket, sent, closed: () => closedWith };
}

describe('back-pressure', () => {
  it('drops a direct session that stops reading, and keeps serving the others', async () => {
    t = await startTestAgent({ yaml: home });
    const { client: other, device, agentKey } = await pairDevice(t, 'phone');
    const before = t.agent.hub.countByPath();
    const flood = await floodWithoutReading(t.url, t.agent.homeId, device, agentKey);
    // The agent gave up on the silent session well before it asked for everything.
    await waitFor(() => t!.agent.hub.countByPath().direct === before.direct, 20_000, 'the session dropped');
    expect(flood.sent).toBeLessThan(5000);
    flood.socket.resume();
    await waitFor(() => flood.closed(), 10_000, 'the socket closed');
    // The other session still works.
    expect(
      (await other.command('devices.rename', { target: device.id, args: { name: 'still here' } })).status,
    ).toBe('ok');
    other.close();
  });

  it('the relay drops a forwarded phone that stops reading; home and its other phones stay', async () => {
    const prepared = await prepareAgentDir();
    relay = await startTestRelay({ homes: [prepared.homeId] });
    const relayUrl = relay.url;
    t = await startTestAgent({ yaml: `${home}relay: { url: "${relayUrl}" }\n` }, prepared);
    await linkUp(t);
    const { client: other, device, agentKey } = await pairDevice(t, 'phone');
    const flood = await floodWithoutReading(relay.url, t.agent.homeId, device, agentKey);
    expect(flood.sent).toBeLessThan(5000);
    flood.socket.resume();
    await waitFor(() => flood.closed(), 10_000, 'the socket closed');
    await waitFor(() => (t!.agent.hub.countByPath().relay ?? 0) === 0, 10_000, 'the agent let go of it');
    expect(t.agent.state.get('relay', 'link')?.connected).toBe(true);
    expect(
      (await other.command('devices.rename', { target: device.id, args: { name: 'still here' } })).status,
    ).toBe('ok');
    other.close();
  });
});
