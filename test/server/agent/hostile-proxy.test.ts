// SPEC §5: the relay (or anyone in the path) can neither read, forge, reorder nor replay commands.
// Client frames: #0 hello (text), #1 auth (encrypted); commands follow from #2 on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditRepo } from '../../../server/store/audit-repo.js';
import type { AgentClient } from '../../../shared/client/agent-client.js';
import { answerClientHello } from '../../../shared/session/handshake.js';
import { generateIdentity } from '../../../shared/session/keys.js';
import {
  connectDevice,
  pairDevice,
  prepareAgentDir,
  startTestAgent,
  type TestAgent,
  waitFor,
} from '../../harness/agent.js';
import { type Frame, flipBit, type HostileProxy, startHostileProxy } from '../../harness/hostile-proxy.js';
import { linkUp, startTestRelay, type TestRelay } from '../../harness/relay.js';

let t: TestAgent;
let relay: TestRelay | undefined;
let proxy: HostileProxy;
let device: Awaited<ReturnType<typeof pairDevice>>;
/** Where the client's sessions go: the agent itself, or the relay that forwards them. */
let base: string;

async function setup(path: 'direct' | 'relay') {
  if (path === 'direct') {
    t = await startTestAgent();
    base = t.url;
  } else {
    const prepared = await prepareAgentDir();
    relay = await startTestRelay({ homes: [prepared.homeId] });
    const relayUrl = relay.url;
    t = await startTestAgent(
      { yaml: () => `listen: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relayUrl}" }\n` },
      prepared,
    );
    await linkUp(t);
    base = relay.url;
  }
  device = await pairDevice(t, 'phone', base);
  proxy = await startHostileProxy(base);
}

afterEach(async () => {
  device.client.close();
  await proxy.close();
  await t.close();
  await relay?.close();
  relay = undefined;
});

const renames = () =>
  new AuditRepo(t.agent.db).list({ limit: 100 }).filter((a) => a.action === 'devices.rename');
const viaProxy = () => connectDevice(t, device.device, device.agentKey, proxy.url);
const rename = (c: AgentClient, name: string) =>
  c.command('devices.rename', { target: device.device.id, args: { name } }).catch((e: Error) => e);
const closed = (c: AgentClient) => new Promise<string | undefined>((r) => c.onClose((e) => r(e?.code)));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(['direct', 'relay'] as const)('hostile man-in-the-middle, %s path', (path) => {
  beforeEach(() => setup(path));

  it('an honest proxy changes nothing: status and commands work', async () => {
    const c = await viaProxy();
    expect(c.welcome.agent.homeId).toBe(t.agent.homeId);
    expect(c.welcome.path).toBe(path);
    expect(await rename(c, 'via proxy')).toMatchObject({ status: 'ok' });
    expect(renames()).toHaveLength(1);
    c.close();
  });

  it('a flipped bit in a command ends the session and executes nothing', async () => {
    proxy.tamper = (f, dir, i) => (dir === 'up' && i === 2 ? [flipBit(f)] : [f]);
    const c = await viaProxy();
    const end = closed(c);
    void rename(c, 'tampered');
    await end;
    expect(renames()).toHaveLength(0);
  });

  it('a replayed command in the same session is rejected and runs once', async () => {
    proxy.tamper = (f, dir, i, conn) => {
      if (dir === 'up' && i === 2) setTimeout(() => conn.inject('up', f), 50);
      return [f];
    };
    const c = await viaProxy();
    const end = closed(c);
    expect(await rename(c, 'once')).toMatchObject({ status: 'ok' });
    await end;
    expect(renames()).toHaveLength(1);
  });

  it('frames recorded from one session do nothing when replayed into another', async () => {
    const first = await viaProxy();
    await rename(first, 'original');
    first.close();
    const recorded = proxy.connections[0]!.recorded.up;
    // Replay the whole recorded client side (hello, auth, command) on a fresh connection.
    const { openSocket } = await import('../../harness/agent.js');
    const { sessionUrl } = await import('../../../shared/pairing-link.js');
    const { socket } = await openSocket(sessionUrl(base, t.agent.homeId));
    const closedCode = new Promise<number>((r) => socket.on('close', (code) => r(code)));
    for (const f of recorded) socket.send(f.data, { binary: f.binary });
    expect(await closedCode).toBeGreaterThanOrEqual(4400);
    expect(renames()).toHaveLength(1);
  });

  it('a dropped command makes the next one fail, and neither runs', async () => {
    proxy.tamper = (f, dir, i) => (dir === 'up' && i === 2 ? [] : [f]);
    const c = await viaProxy();
    const end = closed(c);
    void rename(c, 'dropped');
    await sleep(50);
    void rename(c, 'after the drop');
    await end;
    expect(renames()).toHaveLength(0);
  });

  it('reordered commands are rejected and neither runs', async () => {
    let held: Frame | undefined;
    proxy.tamper = (f, dir, i) => {
      if (dir === 'up' && i === 2) {
        held = f;
        return [];
      }
      if (dir === 'up' && i === 3 && held) return [f, held];
      return [f];
    };
    const c = await viaProxy();
    const end = closed(c);
    void rename(c, 'first');
    await sleep(50);
    void rename(c, 'second');
    await end;
    expect(renames()).toHaveLength(0);
  });

  it('injected frames — clear-text commands or random bytes — are rejected', async () => {
    for (const injected of [
      {
        data: Buffer.from(
          JSON.stringify({
            t: 'cmd',
            id: 'x',
            action: 'devices.rename',
            target: device.device.id,
            args: { name: 'pwned' },
          }),
        ),
        binary: false,
      },
      { data: Buffer.from(crypto.getRandomValues(new Uint8Array(64))), binary: true },
    ]) {
      const c = await viaProxy();
      const end = closed(c);
      proxy.connections.at(-1)!.inject('up', injected);
      await end;
    }
    expect(renames()).toHaveLength(0);
    expect(device.client.get('devices', device.device.id)?.name).toBe('phone');
  });

  it('state forged on the way to the client is refused by the client', async () => {
    const c = await viaProxy();
    const end = closed(c);
    proxy.tamper = (f, dir) => (dir === 'down' && f.binary ? [flipBit(f, 20)] : [f]);
    void rename(c, 'triggers an update');
    expect(await end).toBe('frame-rejected');
  });

  it('a proxy that answers the handshake with its own key is refused by the client', async () => {
    const impostor = (await generateIdentity(false)).identity;
    proxy.tamper = (f, dir) => {
      if (dir === 'down' && !f.binary) return [];
      if (dir === 'up' && !f.binary) {
        const hello = JSON.parse(f.data.toString());
        void answerClientHello({ ...hello, home: impostor.id }, impostor).then((fake) =>
          proxy.connections
            .at(-1)!
            .inject('down', { data: Buffer.from(JSON.stringify(fake.reply)), binary: false }),
        );
        return [f];
      }
      return [f];
    };
    await expect(viaProxy()).rejects.toMatchObject({ code: 'wrong-home' });
    await waitFor(() => true);
    expect(renames()).toHaveLength(0);
  });
});
