// Which home a name's TLS goes to: the first linked home that asks for it keeps it while linked; a
// second home asking for it gets nothing (and no phone of the first is sent to it); once the first
// unlinks, the name is free, and a home relinking never takes back a name another holds now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLinkAuth } from '../../../server/agent/relay-link/link-auth.js';
import { silentLogger } from '../../../server/log.js';
import type { LinkWelcome } from '../../../shared/protocol/relay-link.js';
import { generateIdentity, type Identity } from '../../../shared/session/keys.js';
import { waitFor } from '../../harness/agent.js';
import { startTestRelay, type TestRelay } from '../../harness/relay.js';

const NAME = 'shared.test';
let relay: TestRelay;
let a: Identity;
let b: Identity;

/** An agent's link with the real authentication, asking for `names`; resolves on the welcome. */
function link(identity: Identity, names: string[]): Promise<{ ws: WebSocket; welcome: LinkWelcome }> {
  const url = `${relay.url.replace(/^http/, 'ws')}/ws/agent`;
  const ws = new WebSocket(url);
  return new Promise((resolve, reject) => {
    const auth = createLinkAuth(
      {
        identity,
        homeId: identity.id,
        homeName: () => 'home',
        origin: new URL(url).origin,
        names,
        send: (f) => ws.send(JSON.stringify(f)),
        log: silentLogger,
      },
      { welcome: (welcome) => resolve({ ws, welcome }), fail: (why) => reject(new Error(why)) },
    );
    ws.on('message', (d: Buffer) => auth(d.toString('utf8')));
    ws.on('error', reject);
  });
}

async function unlink(ws: WebSocket, homeId: string): Promise<void> {
  ws.close();
  await waitFor(async () => (await relay.relay.status(homeId))?.online === false, 5000, 'the link is down');
}

beforeAll(async () => {
  a = (await generateIdentity(false)).identity;
  b = (await generateIdentity(false)).identity;
  relay = await startTestRelay({ homes: [a.id, b.id] });
});

afterAll(async () => {
  await relay?.close();
});

describe('names the relay passes TLS through for', () => {
  it('stay with the linked home that holds them, and are free once it unlinks', async () => {
    const first = await link(a, [NAME]);
    expect(first.welcome.names).toEqual([NAME]);
    expect(relay.relay.homeForName(NAME)).toBe(a.id);

    const second = await link(b, [NAME, 'b-only.test']);
    expect(second.welcome.names).toEqual(['b-only.test']);
    expect(relay.relay.homeForName(NAME)).toBe(a.id);

    await unlink(first.ws, a.id);
    expect(relay.relay.homeForName(NAME)).toBeUndefined();
    expect(relay.relay.homeForName('b-only.test')).toBe(b.id);

    // B relinks and takes the free name; A coming back does not take it from B.
    await unlink(second.ws, b.id);
    const again = await link(b, [NAME]);
    expect(again.welcome.names).toEqual([NAME]);
    expect(relay.relay.homeForName('b-only.test')).toBeUndefined();
    const back = await link(a, [NAME]);
    expect(back.welcome.names).toEqual([]);
    expect(relay.relay.homeForName(NAME)).toBe(b.id);

    // A's unlinking leaves B's name alone; B's frees it.
    await unlink(back.ws, a.id);
    expect(relay.relay.homeForName(NAME)).toBe(b.id);
    await unlink(again.ws, b.id);
    expect(relay.relay.homeForName(NAME)).toBeUndefined();
  });
});
