// A relay that answers "home is offline" (its link to home is down, or never came up) is the way
// in failing, not home: ctl goes on to the standby address, and says which one spoke when none works.
// The real ctl executable, a real relay, a real agent linked to neither.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '../../harness/agent.js';
import { runCli } from '../../harness/cli.js';
import { startTestRelay, type TestRelay } from '../../harness/relay.js';
import { tempDir } from '../../harness/temp.js';

let t: TestAgent;
let relay: TestRelay;
const ctlHome = tempDir('lifeline-ctl-');
const env = { LIFELINE_CTL_HOME: ctlHome.dir };

beforeAll(async () => {
  t = await startTestAgent();
  // The relay serves this home, but the agent has no link to it: every session there is "home is offline".
  relay = await startTestRelay({ homes: [t.agent.homeId] });
});

afterAll(async () => {
  await t?.close();
  await relay?.close();
  ctlHome.remove();
});

it('pairs and connects through the standby when the relay says home is offline', async () => {
  const { link } = t.agent.pairing.link(relay.url, t.agent.homeId, null, t.url);
  const paired = await runCli(['ctl', 'pair', link, '--name', 'laptop'], { env, timeoutMs: 30_000 });
  expect(paired.stderr).toBe('');
  expect(paired.code).toBe(0);
  const status = await runCli(['ctl', 'status', '--json'], { env, timeoutMs: 30_000 });
  expect(status.stderr).toBe('');
  expect(JSON.parse(status.stdout)).toMatchObject({ connection: { url: t.url, path: 'direct' } });
});

it('says the relay spoke, and what it said, when it is the only way in', async () => {
  const r = await runCli(['ctl', 'status', '--url', relay.url], { env, timeoutMs: 30_000 });
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/the relay says: home is offline/);
});
