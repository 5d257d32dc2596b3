// Knowing when home goes dark: the relay notices missing heartbeats, tells the owner after a grace
// period, and again when home returns — and after a lifeline power-cycle reports either outcome.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentClient } from '../../../shared/client/agent-client.js';
import type { PushPayload } from '../../../shared/protocol/push.js';
import {
  pairDevice,
  pairWithLink,
  prepareAgentDir,
  startTestAgent,
  type TestAgent,
  waitFor,
} from '../../harness/agent.js';
import { freePort, runCli, startCli } from '../../harness/cli.js';
import {
  type PushService,
  payloadOf,
  startPushService,
  type TestSubscription,
} from '../../harness/push-service.js';
import { linkUp, startTestRelay, type TestRelay } from '../../harness/relay.js';

let push: PushService | undefined;
let relay: TestRelay | undefined;
let agent: TestAgent | undefined;
let cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
  await agent?.close();
  await relay?.close();
  await push?.close();
  push = relay = agent = undefined;
});

const OFFLINE = { afterSeconds: 5, graceSeconds: 1, bootSeconds: 10 };

function payloads(svc: PushService, sub: TestSubscription): PushPayload[] {
  const name = new URL(sub.endpoint).pathname;
  return svc.received.filter((r) => r.path === name).flatMap((r) => payloadOf(sub, r.body) ?? []);
}
const ofKind = (svc: PushService, sub: TestSubscription, kind: string) =>
  payloads(svc, sub).filter((p) => p.kind === kind);

async function subscribe(c: AgentClient, sub: TestSubscription) {
  const r = await c.command('notify.subscribe', {
    args: { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, lang: 'en' },
  });
  expect(r.status).toBe('ok');
}

describe("dead-man's switch", () => {
  it('pushes "offline" after the agent is killed, then "back", both sealed by the agent', async () => {
    push = await startPushService();
    const prepared = await prepareAgentDir();
    relay = await startTestRelay({
      homes: [prepared.homeId],
      ca: push.cert.ca,
      settings: { offline: OFFLINE },
    });
    const file = path.join(prepared.dir, 'lifeline.yaml');
    writeFileSync(
      file,
      `home: { name: Cabin }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relay.url}", heartbeatSeconds: 2 }\n`,
    );
    cleanup.push(prepared.remove);
    const start = () => startCli(['agent', '-c', file, '-p', '0'], /Lifeline is running/);
    let proc = await start();
    cleanup.push(() => proc.stop());
    const pair = await runCli(['pair', '-c', file, '--json', '--url', relay.url]);
    const client = await pairWithLink((JSON.parse(pair.stdout) as { link: string }).link, 'phone');
    const sub = push.subscription('phone');
    await subscribe(client, sub);
    client.close();
    await waitFor(async () => (await relay!.relay.status(prepared.homeId))?.online, 10_000, 'online');
    // The agent hands the relay its sealed notices for the new subscription: 5 kinds, 2 of each.
    await waitFor(
      async () => (await relay!.relay.sealedLeft(prepared.homeId)) === 10,
      10_000,
      'sealed notices',
    );

    proc.child.kill('SIGKILL');
    const killedAt = Date.now();
    const [offline] = await waitFor(
      () => (ofKind(push!, sub, 'home.offline').length ? ofKind(push!, sub, 'home.offline') : undefined),
      20_000,
      'offline push',
    );
    // Sealed ahead by the agent (signed as home's); the phone stamps the time it arrives.
    expect(offline).toMatchObject({
      from: 'agent',
      sealed: true,
      severity: 'critical',
      title: 'Cabin is offline',
    });
    expect(offline!.body).toBe('The relay lost contact with home. Open Lifeline for the last known state.');
    const offlineReq = push.received.find(
      (r) => r.path.endsWith('/phone') && payloadOf(sub, r.body)?.kind === 'home.offline',
    )!;
    expect(offlineReq.headers.urgency).toBe('high');
    expect(offlineReq.at - killedAt).toBeGreaterThan(0);

    await new Promise((r) => setTimeout(r, 1000));
    proc = await start();
    const [back] = await waitFor(
      () => (ofKind(push!, sub, 'home.back').length ? ofKind(push!, sub, 'home.back') : undefined),
      20_000,
      'back push',
    );
    expect(back).toMatchObject({ from: 'agent', sealed: true, title: 'Cabin is back' });
    expect(back!.body).toBe('The relay has contact with home again.');
    expect(ofKind(push, sub, 'home.offline')).toHaveLength(1);
  });

  async function cycleSetup() {
    push = await startPushService();
    const prepared = await prepareAgentDir();
    relay = await startTestRelay({
      homes: [prepared.homeId],
      ca: push.cert.ca,
      settings: { offline: OFFLINE },
    });
    const relayUrl = relay.url;
    agent = await startTestAgent(
      {
        yaml: () =>
          `home: { name: Cabin }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relayUrl}", heartbeatSeconds: 2 }\n`,
      },
      prepared,
    );
    await linkUp(agent!);
    const { client } = await pairDevice(agent, 'phone', relay.url);
    const sub = push.subscription('phone');
    await subscribe(client, sub);
    client.close();
    await waitFor(
      async () => (await relay!.relay.sealedLeft(prepared.homeId)) === 10,
      10_000,
      'sealed notices',
    );
    return { push, relay, agent, sub };
  }

  it('after a lifeline power-cycle: no "offline" alarm while home is expected back, then "back"', async () => {
    const { push, agent, sub } = await cycleSetup();
    agent.agent.events.append({
      kind: 'lifeline.cycle-started',
      severity: 'warning',
      subject: 'cabinet',
      message: 'Power-cycle of Network cabinet started (30 s)',
      data: { plug: 'cabinet', name: 'Network cabinet', cycleSeconds: 3, expectBackAt: Date.now() + 12_000 },
    });
    await waitFor(() => ofKind(push, sub, 'lifeline.cycle-started').length > 0, 10_000, 'cycle notice');
    await new Promise((r) => setTimeout(r, 500)); // the outcome notices naming the plug reach the relay
    await agent.stop(); // the cabinet loses power
    await new Promise((r) => setTimeout(r, 4000)); // longer than the offline grace period
    await agent.restart();
    const [back] = await waitFor(
      () =>
        ofKind(push, sub, 'lifeline.cycle-back').length
          ? ofKind(push, sub, 'lifeline.cycle-back')
          : undefined,
      20_000,
      'cycle back',
    );
    expect(back!.body).toBe('Home came back after the power-cycle of Network cabinet.');
    expect(ofKind(push, sub, 'home.offline')).toHaveLength(0);
  });

  it('after a lifeline power-cycle: "did not come back" when the deadline passes', async () => {
    const { push, agent, sub } = await cycleSetup();
    agent.agent.events.append({
      kind: 'lifeline.cycle-started',
      severity: 'warning',
      subject: 'cabinet',
      message: 'Power-cycle of Network cabinet started',
      data: { plug: 'cabinet', name: 'Network cabinet', cycleSeconds: 3, expectBackAt: Date.now() + 4000 },
    });
    await waitFor(() => ofKind(push, sub, 'lifeline.cycle-started').length > 0, 10_000, 'cycle notice');
    // The outcome notices naming the plug reach the relay (until then it holds ones that say "the
    // lifeline plug"); a real plug cuts the power a few seconds after the command.
    await new Promise((r) => setTimeout(r, 500));
    await agent.stop();
    const [lost] = await waitFor(
      () =>
        ofKind(push, sub, 'lifeline.cycle-lost').length
          ? ofKind(push, sub, 'lifeline.cycle-lost')
          : undefined,
      20_000,
      'cycle lost',
    );
    expect(lost).toMatchObject({ severity: 'critical', title: 'Cabin did not come back' });
    expect(lost!.body).toBe(
      'Home did not come back in the expected time after the power-cycle of Network cabinet.',
    );
  });

  it('a home that died while the relay was down (killed, not stopped) is still reported offline', async () => {
    push = await startPushService();
    const prepared = await prepareAgentDir();
    cleanup.push(prepared.remove);
    const port = await freePort();
    const relayFile = path.join(prepared.dir, 'relay.yaml');
    writeFileSync(
      relayFile,
      `listen: { host: 127.0.0.1, port: ${port} }\ndata: ./relay-data\nhomes: [${prepared.homeId}]\noffline: { afterSeconds: 5, graceSeconds: 1 }\n`,
    );
    // The relay trusts the test's push service the way a real one trusts public CAs.
    const env = { NODE_EXTRA_CA_CERTS: push.cert.caFile };
    const startRelay = () => startCli(['relay', '-c', relayFile], /Serving 1 home/, { env });
    let relayProc = await startRelay();
    cleanup.push(() => relayProc.stop());
    const relayUrl = `http://127.0.0.1:${port}`;
    agent = await startTestAgent(
      {
        yaml: () =>
          `home: { name: Cabin }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relayUrl}", heartbeatSeconds: 2 }\n`,
      },
      prepared,
    );
    await linkUp(agent);
    const { client } = await pairDevice(agent, 'phone', relayUrl);
    const sub = push.subscription('phone');
    await subscribe(client, sub);
    client.close();
    await new Promise((r) => setTimeout(r, 500)); // the subscription reaches the relay

    relayProc.child.kill('SIGKILL'); // the VPS loses power: nothing is recorded on the way down
    await new Promise<void>((r) => relayProc.child.once('exit', () => r()));
    await agent.stop(); // and home dies meanwhile
    relayProc = await startRelay();
    const [offline] = await waitFor(
      () => (ofKind(push!, sub, 'home.offline').length ? ofKind(push!, sub, 'home.offline') : undefined),
      20_000,
      'offline push after the relay came back',
    );
    expect(offline).toMatchObject({ from: 'agent', sealed: true, title: 'Cabin is offline' });
  });
});
