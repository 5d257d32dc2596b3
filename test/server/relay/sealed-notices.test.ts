// The relay cannot write a notice in home's name (SPEC §5): it holds no subscription key and no
// token of a channel the owner did not mark for it — not in its database, not in its logs — and
// what it sends when home goes dark is a notice the agent sealed ahead of time, signed by the
// agent key inside the encryption, used once.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../server/log.js';
import { openSignedPush } from '../../../shared/push-signature.js';
import { pairDevice, prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../../harness/agent.js';
import { type PushService, startPushService, type TestSubscription } from '../../harness/push-service.js';
import { linkUp, startTestRelay, type TestRelay } from '../../harness/relay.js';

const UNMARKED_TOKEN = 'tk_home_only_5b1e77c2';
const MARKED_TOKEN = 'tk_relay_too_9d04aa31';

let push: PushService;
let relay: TestRelay;
let t: TestAgent;
let sub: TestSubscription;
const relayLog: string[] = [];
const posted: string[] = [];

/** Everything the relay wrote to disk: the database and its write-ahead log. */
function relayFiles(): Buffer {
  const files = ['relay.db', 'relay.db-wal'].map((f) => path.join(relay.dir, f)).filter(existsSync);
  return Buffer.concat(files.map((f) => readFileSync(f)));
}

beforeAll(async () => {
  push = await startPushService();
  const prepared = await prepareAgentDir();
  const previous = process.env.LIFELINE_LOG;
  process.env.LIFELINE_LOG = 'debug';
  const log = createLogger('relay', (line) => relayLog.push(line));
  process.env.LIFELINE_LOG = previous;
  relay = await startTestRelay({
    homes: [prepared.homeId],
    ca: push.cert.ca,
    log,
    settings: { offline: { afterSeconds: 5, graceSeconds: 1, bootSeconds: 10 } },
    post: async (url, body, headers) => {
      posted.push(JSON.stringify({ url, body, headers }));
      return { status: 200, text: '' };
    },
  });
  const channels = `[{ id: home-only, type: ntfy, url: "https://ntfy.example/home", token: ${UNMARKED_TOKEN} }, { id: relay-too, type: ntfy, url: "https://ntfy.example/relay", token: ${MARKED_TOKEN}, relay: true }]`;
  t = await startTestAgent(
    {
      yaml: `home: { name: Cabin }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relay.url}", heartbeatSeconds: 2 }\nnotify: { channels: ${channels} }\n`,
      post: async () => ({ status: 200, text: '' }),
    },
    prepared,
  );
  await linkUp(t);
  const { client } = await pairDevice(t, 'phone', relay.url);
  sub = push.subscription('phone');
  const r = await client.command('notify.subscribe', {
    args: { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, lang: 'en' },
  });
  expect(r.status).toBe('ok');
  client.close();
  await waitFor(async () => (await relay.relay.sealedLeft(t.agent.homeId)) === 10, 10_000, 'sealed notices');
});

afterAll(async () => {
  await t?.close();
  await relay?.close();
  await push?.close();
});

describe('notices the relay cannot forge', () => {
  it('keeps no subscription key and no token of a channel not marked for it, on disk or in its logs', () => {
    const disk = relayFiles();
    const logs = relayLog.join('\n');
    expect(disk.length).toBeGreaterThan(0);
    expect(relayLog.length).toBeGreaterThan(0);
    for (const secret of [sub.p256dh, sub.auth, UNMARKED_TOKEN]) {
      expect(disk.includes(Buffer.from(secret)), secret).toBe(false);
      expect(logs, secret).not.toContain(secret);
    }
    // Raw key bytes neither.
    expect(disk.includes(Buffer.from(sub.p256dh, 'base64url'))).toBe(false);
    expect(disk.includes(Buffer.from(sub.auth, 'base64url'))).toBe(false);
    // The channel the owner marked for it is there: that is what marking means (docs/relay.md).
    expect(disk.includes(Buffer.from(MARKED_TOKEN))).toBe(true);
  });

  it('sends the agent’s sealed, signed notice when home goes dark, each one once', async () => {
    await t.stop();
    const body = await waitFor(
      () => push.received.find((r) => r.path === '/push/phone' && r.body.length > 0)?.body,
      20_000,
      'offline push',
    );
    const payload = await openSignedPush(sub.decrypt(body), t.agent.identity.publicKey);
    expect(payload).toMatchObject({
      kind: 'home.offline',
      from: 'agent',
      sealed: true,
      title: 'Cabin is offline',
      severity: 'critical',
    });
    expect(await relay.relay.sealedLeft(t.agent.homeId)).toBe(9);
    // The marked channel gets the relay's own words (it sees those anyway); no other channel does.
    await waitFor(() => posted.length > 0, 10_000, 'marked channel');
    expect(posted).toHaveLength(1);
    expect(posted[0]).toContain(MARKED_TOKEN);
    expect(posted[0]).toContain('Cabin is offline');
  });
});
