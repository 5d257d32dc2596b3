// What a relay's memory holds, taken as its operator (or whoever broke in) could: a heap snapshot
// of `lifeline relay` running as its own process, after a phone subscribed and home sent its
// sealed notices and channels. No subscription key and no token of a channel not marked for the
// relay is in it. A snapshot shows what the relay keeps in its JavaScript heap, not SQLite's page
// cache nor strings already collected: the database and the logs are checked in
// sealed-notices.test.ts; this one catches a relay that holds such secrets in memory.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { pairDevice, prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../../harness/agent.js';
import { freePort, startCli } from '../../harness/cli.js';
import { type PushService, startPushService } from '../../harness/push-service.js';
import { linkOf, linkUp } from '../../harness/relay.js';

const UNMARKED_TOKEN = 'tk_home_only_4c2f81aa';
const MARKED_TOKEN = 'tk_relay_too_77be03d9';

let push: PushService | undefined;
let agent: TestAgent | undefined;
const cleanup: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  await agent?.close();
  for (const c of cleanup.reverse()) await c();
  await push?.close();
});

it('a heap snapshot of the relay holds no subscription key and no unmarked channel token', async () => {
  push = await startPushService();
  const prepared = await prepareAgentDir();
  cleanup.push(prepared.remove);
  const port = await freePort();
  const relayFile = path.join(prepared.dir, 'relay.yaml');
  writeFileSync(
    relayFile,
    `listen: { host: 127.0.0.1, port: ${port} }\ndata: ./relay-data\nhomes: [${prepared.homeId}]\n`,
  );
  const env = {
    NODE_EXTRA_CA_CERTS: push.cert.caFile,
    // Added to what the run already sets (under test:node24, the hook that loads Node 24's addon).
    NODE_OPTIONS: [process.env.NODE_OPTIONS, '--heapsnapshot-signal=SIGUSR2'].filter(Boolean).join(' '),
  };
  const relay = await startCli(['relay', '-c', relayFile], /Serving 1 home/, { env, cwd: prepared.dir });
  cleanup.push(() => relay.stop());
  const relayUrl = `http://127.0.0.1:${port}`;
  const channels = `[{ id: home-only, type: ntfy, url: "https://ntfy.example/home", token: ${UNMARKED_TOKEN} }, { id: relay-too, type: ntfy, url: "https://ntfy.example/relay", token: ${MARKED_TOKEN}, relay: true }]`;
  agent = await startTestAgent(
    {
      yaml: `home: { name: Cabin }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relayUrl}" }\nnotify: { channels: ${channels} }\n`,
      post: async () => ({ status: 200, text: '' }),
    },
    prepared,
  );
  await linkUp(agent);
  const { client } = await pairDevice(agent, 'phone', relayUrl);
  const sub = push.subscription('phone');
  const r = await client.command('notify.subscribe', {
    args: { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, lang: 'en' },
  });
  expect(r.status).toBe('ok');
  // An agent event passes through too (signed and encrypted at home).
  await client.command('notify.test', { args: {} });
  await waitFor(() => push!.received.some((x) => x.path === '/push/phone'), 15_000, 'a push delivered');
  client.close();

  const snapshots = () => readdirSync(prepared.dir).filter((f) => f.endsWith('.heapsnapshot'));
  relay.child.kill('SIGUSR2');
  const file = await waitFor(
    () => {
      const [f] = snapshots();
      if (!f) return undefined;
      // Written in one go at the end: wait until its size stops changing.
      const full = path.join(prepared.dir, f);
      const text = existsSync(full) ? readFileSync(full, 'utf8') : '';
      return text.trimEnd().endsWith('}') ? full : undefined;
    },
    60_000,
    'heap snapshot',
  );
  const heap = readFileSync(file, 'utf8');
  expect(heap.length).toBeGreaterThan(1_000_000);
  // The snapshot does hold what the relay keeps in memory: the homes it serves, its VAPID key.
  expect(heap).toContain(prepared.homeId);
  expect(heap).toContain(linkOf(agent)?.vapidPublicKey ?? 'no VAPID key seen');
  for (const secret of [sub.p256dh, sub.auth, UNMARKED_TOKEN])
    expect(heap.includes(secret), secret).toBe(false);
}, 120_000);
