// The relay, not the agent's config, sets the heartbeat its link needs: with `offline.afterSeconds: 5`
// (accepted by relay.yaml's schema) and the agent left at its default 10 s heartbeat, the link must
// stay up — before, the relay dropped it every 5 s and it reconnected forever.
import { afterAll, describe, expect, it } from 'vitest';
import { prepareAgentDir, startTestAgent, type TestAgent } from '../../harness/agent.js';
import { linkOf, linkUp, startTestRelay, type TestRelay } from '../../harness/relay.js';

let relay: TestRelay | undefined;
let t: TestAgent | undefined;

afterAll(async () => {
  await t?.close();
  await relay?.close();
});

describe('heartbeat told at link auth', () => {
  it('keeps the link up with offline.afterSeconds: 5 and the agent’s default heartbeat', async () => {
    const prepared = await prepareAgentDir();
    relay = await startTestRelay({
      homes: [prepared.homeId],
      settings: { offline: { afterSeconds: 5, graceSeconds: 1, bootSeconds: 10 } },
    });
    t = await startTestAgent(
      {
        yaml: `home: { name: Cabin }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relay.url}" }\n`,
      },
      prepared,
    );
    await linkUp(t);
    const since = linkOf(t)!.since;
    // Three offline windows: a link dropped for silence would have come back with a new `since`.
    await new Promise((r) => setTimeout(r, 16_000));
    expect(linkOf(t)?.connected).toBe(true);
    expect(linkOf(t)?.since).toBe(since);
    expect((await relay.relay.status(prepared.homeId))?.online).toBe(true);
  }, 40_000);
});
