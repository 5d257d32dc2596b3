// Phones without Web Push: the agent's events go to the fallback channels configured for the home,
// and the relay's own offline notices to those the owner marked for the relay (it then holds their
// tokens).
import { afterEach, expect, it } from 'vitest';
import { prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../../harness/agent.js';
import { linkUp, startTestRelay, type TestRelay } from '../../harness/relay.js';
import { type ChatSimulator, SIM, startChatSimulator } from '../../simulators/chat-webhooks.js';

let sim: ChatSimulator | undefined;
let relay: TestRelay | undefined;
let agent: TestAgent | undefined;
afterEach(async () => {
  await agent?.close();
  await relay?.close();
  await sim?.close();
  sim = relay = agent = undefined;
});

it('sends agent events from home to ntfy and Telegram, and the relay’s offline notice to the one marked for it', async () => {
  sim = await startChatSimulator();
  const prepared = await prepareAgentDir();
  relay = await startTestRelay({
    homes: [prepared.homeId],
    settings: { offline: { afterSeconds: 5, graceSeconds: 1, bootSeconds: 10 } },
  });
  const yaml = `home: { name: Cabin }
listen: { host: 127.0.0.1, port: 0 }
relay: { url: "${relay.url}", heartbeatSeconds: 2 }
notify:
  channels:
    - { id: phone-ntfy, type: ntfy, url: "${sim.url}/ntfy/cabin", token: "${SIM.ntfyToken}" }
    - { id: tg, type: telegram, url: "${sim.url}/telegram", token: "${SIM.telegramToken}", chat: "${SIM.telegramChat}", relay: true }
`;
  agent = await startTestAgent({ yaml }, prepared);
  await linkUp(agent!);

  agent.agent.events.append({
    kind: 'containers.died',
    severity: 'warning',
    subject: 'nas/ddns',
    message: 'ddns exited with code 127',
  });
  await waitFor(
    () => sim!.accepted.filter((a) => JSON.stringify(a.body).includes('code 127')).length === 2,
    10_000,
    'agent notices',
  );
  expect(sim.accepted.find((a) => a.provider === 'ntfy')?.body).toMatchObject({
    topic: 'ntfy/cabin',
    title: 'Cabin: Container stopped',
    tags: ['containers.died'],
  });

  await agent.stop();
  await waitFor(
    () => sim!.accepted.filter((a) => JSON.stringify(a.body).includes('Cabin is offline')).length === 1,
    20_000,
    'relay notices',
  );
  await new Promise((r) => setTimeout(r, 1000));
  expect(sim.accepted.filter((a) => JSON.stringify(a.body).includes('Cabin is offline'))).toHaveLength(1);
  const offline = sim.accepted.find(
    (a) => a.provider === 'telegram' && String(a.body.text).includes('offline'),
  );
  expect(String(offline?.body.text)).toMatch(
    /^Cabin is offline\nNo contact since \d\d:\d\d \(last IP 127\.0\.0\.1\)\.$/,
  );
});
