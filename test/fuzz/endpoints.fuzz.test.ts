// Hostile input at the network edges of the agent and the relay: random HTTP requests never get a
// 5xx, random WebSocket frames end only their own connection, memory stays bounded, and honest
// clients keep working.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildRelayApp } from '../../server/relay/app.js';
import { pairDevice, prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../harness/agent.js';
import { linkOf, linkUp, startTestRelay, type TestRelay } from '../harness/relay.js';

const RUNS = Number(process.env.LIFELINE_FUZZ_RUNS ?? 300);
let relay: TestRelay;
let t: TestAgent;

beforeAll(async () => {
  const prepared = await prepareAgentDir();
  relay = await startTestRelay({
    homes: [prepared.homeId],
    settings: {
      limits: {
        connectsPerMinute: 10_000,
        sourceConnectsPerMinute: 100_000,
        sessionsPerHome: 1000,
        pipesPerHome: 128,
      },
    },
  });
  const relayUrl = relay.url;
  t = await startTestAgent(
    { yaml: () => `listen: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relayUrl}" }\n` },
    prepared,
  );
  await linkUp(t);
});

afterAll(async () => {
  await t?.close();
  await relay?.close();
});

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  path: fc.oneof(
    fc.constantFrom(
      '/',
      '/ws/session',
      '/ws/agent',
      '/healthz',
      '/index.html',
      '/sw.js',
      '/assets/x.js',
      '/../../etc/passwd',
      '/%00',
      '/ws/session?home=%ff',
    ),
    fc.webPath().map((p) => (p.startsWith('/') ? p : `/${p}`)),
    fc.string({ maxLength: 60 }).map((s) => `/${encodeURIComponent(s)}`),
  ),
  headers: fc.dictionary(
    fc.constantFrom(
      'content-type',
      'upgrade',
      'connection',
      'x-forwarded-for',
      'accept',
      'sec-websocket-key',
    ),
    fc.string({ maxLength: 40 }),
  ),
  body: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 200 }), fc.json()),
});

describe('fuzz: network edges', () => {
  it('no HTTP request makes the agent or the relay answer 5xx', async () => {
    const relayApp = await buildRelayApp({ relay: relay.relay, trustProxy: [] });
    try {
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          for (const app of [t.agent.app, relayApp]) {
            const headers = Object.fromEntries(
              Object.entries(r.headers).filter(([, v]) => /^[\x20-\x7e]*$/.test(v)),
            );
            const res = await app.inject({
              method: r.method as 'GET',
              url: r.path,
              headers,
              ...(r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD'
                ? { payload: r.body }
                : {}),
            });
            expect(res.statusCode, `${r.method} ${r.path}`).toBeLessThan(500);
          }
        }),
        { numRuns: RUNS },
      );
    } finally {
      await relayApp.close();
    }
  });

  it('random WebSocket frames end only their own connection, and memory stays bounded', async () => {
    const targets = [
      `${t.url.replace('http', 'ws')}/ws/session?home=${t.agent.homeId}`,
      `${relay.url.replace('http', 'ws')}/ws/session?home=${t.agent.homeId}`,
      `${relay.url.replace('http', 'ws')}/ws/agent`,
    ];
    const frames = fc.array(
      fc.oneof(
        fc.string({ maxLength: 300 }),
        fc.json(),
        fc.uint8Array({ maxLength: 300 }),
        fc.constant(JSON.stringify({ t: 'hello', v: 1, home: t.agent.homeId, eph: 'AAAA', nonce: 'AAAA' })),
        fc.constant(
          JSON.stringify({ t: 'auth', v: 1, key: 'AA', sig: 'AA', home: { name: 'x', timeZone: 'UTC' } }),
        ),
      ),
      { minLength: 1, maxLength: 6 },
    );
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...targets), frames, async (url, batch) => {
        const ws = new WebSocket(url);
        ws.on('error', () => {});
        await new Promise<void>((resolve) => {
          ws.once('open', () => {
            for (const f of batch) ws.send(f);
            setTimeout(() => {
              ws.terminate();
              resolve();
            }, 5);
          });
          ws.once('close', () => resolve());
        });
      }),
      { numRuns: RUNS },
    );
    await new Promise((r) => setTimeout(r, 500));
    global.gc?.();
    const grownMb = (process.memoryUsage().heapUsed - before) / 1048576;
    expect(grownMb).toBeLessThan(64);

    // Honest clients still work, directly and through the relay.
    for (const base of [t.url, relay.url]) {
      const { client, device } = await pairDevice(t, 'after the storm', base);
      expect(
        (await client.command('devices.rename', { target: device.id, args: { name: 'still fine' } })).status,
      ).toBe('ok');
      client.close();
    }
    await waitFor(() => linkOf(t)?.connected, 10_000, 'link still up');
  });
});
