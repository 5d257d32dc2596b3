// A home linked to two relays (relay.standby): `lifeline relay` ×2, `lifeline agent` and
// `lifeline ctl` as separate processes on loopback, a phone's push subscription at a local push
// service. The primary is killed (-9): ctl reaches home through the standby without pairing again,
// push goes on through the standby, once; the primary comes back: both links are up again, and
// each notification still reaches the phone exactly once; home goes dark: one "offline", not two.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generateVapidKeys } from '../../../server/relay/push-sender.js';
import { wsTransport } from '../../../server/ws-transport.js';
import { AgentClient } from '../../../shared/client/agent-client.js';
import { parsePairingLink, sessionUrl } from '../../../shared/pairing-link.js';
import { openClientSession } from '../../../shared/session/client-session.js';
import { generateIdentity, type Identity } from '../../../shared/session/keys.js';
import { prepareAgentDir, waitFor } from '../../harness/agent.js';
import { freePort, runCli, startCli } from '../../harness/cli.js';
import { startPushService } from '../../harness/push-service.js';
import { tempDir } from '../../harness/temp.js';

const tmp = tempDir();
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops.reverse()) await s().catch(() => {});
  tmp.remove();
});

interface Status {
  connection: { path: string; url: string };
  relays: { role: string; connected: boolean }[];
}

it('kill -9 the primary relay: ctl and push reach home through the standby, once, and both links return', async () => {
  const push = await startPushService();
  stops.push(() => push.close());
  const caFile = path.join(tmp.dir, 'push-ca.pem');
  writeFileSync(caFile, push.cert.ca);
  const prepared = await prepareAgentDir();
  stops.push(async () => prepared.remove());
  // The standby takes the primary's VAPID keys: phones subscribe with one.
  const vapid = generateVapidKeys('mailto:test@example.com');
  const relayEnv = { NODE_EXTRA_CA_CERTS: caFile };
  const ports = { a: await freePort(), b: await freePort() };
  const relayFile = (name: 'a' | 'b') => {
    const file = path.join(tmp.dir, `relay-${name}.yaml`);
    writeFileSync(
      file,
      [
        `listen: { host: 127.0.0.1, port: ${ports[name]} }`,
        `data: ./relay-${name}-data`,
        `homes: [${prepared.homeId}]`,
        'vapidSubject: mailto:test@example.com',
        `vapidKeys: { publicKey: ${vapid.publicKey}, privateKey: ${vapid.privateKey} }`,
        // Rides out the primary's restart below (no false "offline"); home's real outage is seen in 15 s.
        'offline: { afterSeconds: 5, graceSeconds: 10 }',
        '',
      ].join('\n'),
    );
    return file;
  };
  const startRelay = async (name: 'a' | 'b') => {
    const r = await startCli(['relay', '-c', relayFile(name)], /Serving 1 home/, { env: relayEnv });
    // A relay left frozen (SIGSTOP below) by a failed assertion must still end.
    stops.push(async () => {
      r.child.kill('SIGCONT');
      await r.stop();
    });
    return r;
  };
  let primary = await startRelay('a');
  await startRelay('b');
  const urlA = `http://127.0.0.1:${ports.a}`;
  const urlB = `http://127.0.0.1:${ports.b}`;

  const agentFile = path.join(prepared.dir, 'lifeline.yaml');
  writeFileSync(
    agentFile,
    `home: { name: Twice linked }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "ws://127.0.0.1:${ports.a}", standby: "ws://127.0.0.1:${ports.b}", heartbeatSeconds: 2 }\n`,
  );
  const agent = await startCli(['agent', '-c', agentFile, '-p', '0'], /Lifeline is running/);
  stops.push(agent.stop);

  const env = { LIFELINE_CTL_HOME: path.join(tmp.dir, 'ctl') };
  const newLink = async () =>
    (JSON.parse((await runCli(['pair', '-c', agentFile, '--json'], { env })).stdout) as { link: string })
      .link;
  // The pairing link names both relays.
  const link = await newLink();
  expect(link).toContain(`?standby=${encodeURIComponent(urlB)}`);
  let paired = await runCli(['ctl', 'pair', link, '--name', 'laptop'], { env });
  for (let i = 0; paired.code !== 0 && i < 40; i++) {
    await new Promise((r) => setTimeout(r, 250)); // the agent may still be dialling out
    paired = await runCli(['ctl', 'pair', await newLink(), '--name', 'laptop'], { env });
  }
  expect(paired.stderr).toBe('');

  const status = async () => {
    const r = await runCli(['ctl', 'status', '--json'], { env });
    return r.code === 0 ? (JSON.parse(r.stdout) as Status) : undefined;
  };
  const bothUp = (s: Status | undefined) =>
    s && s.relays.length === 2 && s.relays.every((r) => r.connected) ? s : undefined;
  // Through the primary: while home's link to it is still coming up, the primary answers "home is
  // offline" and ctl rightly goes on to the standby, so "both up" may first be seen from there.
  const bothUpViaPrimary = (s: Status | undefined) => (s?.connection.url === urlA ? bothUp(s) : undefined);
  const first = await waitFor(async () => bothUpViaPrimary(await status()), 15_000, 'both links up');
  expect(first.connection).toEqual({ path: 'relay', url: urlA });
  const check = await runCli(['check', '-c', agentFile], { env });
  expect(check.stdout).toMatch(/✓\s+relay\s+ws:\/\/127\.0\.0\.1:\d+\/ws\/agent accepts this home/);
  expect(check.stdout).toMatch(/✓\s+relay standby\s+ws:\/\/127\.0\.0\.1:\d+\/ws\/agent accepts this home/);

  // A phone, paired through the primary, subscribed to Web Push.
  const { identity } = await generateIdentity(false);
  const parsed = parsePairingLink(await newLink());
  if ('error' in parsed) throw new Error(parsed.error);
  const phoneSession = async (base: string, code?: string) => {
    const socket = new WebSocket(sessionUrl(base, prepared.homeId));
    const transport = wsTransport(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const session = await openClientSession(transport, {
      homeId: prepared.homeId,
      device: identity as Identity,
      client: { kind: 'pwa', version: 'test' },
      ...(code ? { pair: { code, name: 'phone' } } : { pinnedAgentKey: agentKey }),
    });
    const c = new AgentClient(session);
    await c.ready();
    return c;
  };
  let agentKey: Uint8Array = new Uint8Array();
  let phone = await phoneSession(urlA, parsed.code);
  agentKey = phone.agentKey;
  const sub = push.subscription('phone');
  const subscribed = await phone.command('notify.subscribe', {
    args: { endpoint: sub.endpoint, p256dh: sub.p256dh, auth: sub.auth, lang: 'en' },
  });
  expect(subscribed.status).toBe('ok');
  const arrived = () => push.received.filter((r) => r.path === new URL(sub.endpoint).pathname);
  const test = async (c: AgentClient, nth: number) => {
    expect((await c.command('notify.test', { args: {} })).status).toBe('ok');
    await waitFor(() => arrived().length >= nth, 15_000, `push #${nth}`);
    // Long enough for a second copy through the other relay to arrive too, if one were sent.
    await new Promise((r) => setTimeout(r, 1500));
    expect(arrived().length).toBe(nth);
  };
  await test(phone, 1);
  expect(push.vapidValid(arrived()[0]!, vapid.publicKey)).toBe(true);

  // kill -9 the primary: ctl finds home through the standby, without pairing again.
  primary.child.kill('SIGKILL');
  const killedAt = Date.now();
  const viaStandby = await waitFor(
    async () => {
      const s = await status();
      return s?.connection.url === urlB ? s : undefined;
    },
    15_000,
    'ctl through the standby',
  );
  const reachMs = Date.now() - killedAt;
  expect(viaStandby.connection.path).toBe('relay');
  expect(viaStandby.relays.find((r) => r.role === 'primary')?.connected).toBe(false);
  expect(viaStandby.relays.find((r) => r.role === 'standby')?.connected).toBe(true);
  console.info(`standby: ctl reached home through the standby ${reachMs} ms after kill -9 of the primary`);
  const agentUrl = /Lifeline is running: (\S+)/.exec(agent.output())?.[1];
  const metrics = await (await fetch(`${agentUrl}/metrics`)).text();
  expect(metrics).toContain('lifeline_relay_link_up{role="primary"} 0');
  expect(metrics).toContain('lifeline_relay_link_up{role="standby"} 1');

  // Push goes on through the standby (the phone reconnects there), once.
  phone.close();
  phone = await phoneSession(urlB);
  await test(phone, 2);

  // The primary returns: both links are up again, ctl is back on the paired address.
  primary = await startRelay('a');
  const returnedAt = Date.now();
  const back = await waitFor(async () => bothUpViaPrimary(await status()), 20_000, 'both links up again');
  console.info(`standby: both links up ${Date.now() - returnedAt} ms after the primary restarted`);
  expect(back.connection.url).toBe(urlA);
  await test(phone, 3);

  // The primary freezes (SIGSTOP) with a notification handed to it and not acknowledged: the agent
  // gives the link up, but keeps the notification for that relay a while rather than handing it to
  // the standby at once; the primary wakes, relinks, gets it again and drops the repeat. Once.
  primary.child.kill('SIGSTOP');
  expect((await phone.command('notify.test', { args: {} })).status).toBe('ok');
  const metricsOf = async () => (await fetch(`${agentUrl}/metrics`)).text();
  await waitFor(
    async () => (await metricsOf()).includes('lifeline_relay_link_up{role="primary"} 0'),
    15_000,
    'the agent giving up the frozen primary',
  );
  await new Promise((r) => setTimeout(r, 1500));
  expect(arrived()).toHaveLength(3);
  primary.child.kill('SIGCONT');
  await waitFor(() => arrived().length >= 4, 20_000, 'push #4');
  // Past the 10 s the agent keeps it for the frozen relay: still one copy.
  await new Promise((r) => setTimeout(r, 11_000));
  expect(arrived()).toHaveLength(4);
  phone.close();

  // Home goes dark: the relay carrying push says so; the other one forgot the phone (one notice).
  agent.child.kill('SIGKILL');
  const kinds = () =>
    arrived().map((r) => {
      const text = JSON.parse(sub.decrypt(r.body)) as { d?: string; kind?: string };
      return (typeof text.d === 'string' ? (JSON.parse(text.d) as { kind: string }) : text).kind;
    });
  await waitFor(() => kinds().includes('home.offline'), 30_000, 'the offline notice');
  await new Promise((r) => setTimeout(r, 3000));
  expect(kinds()).toEqual(['notify.test', 'notify.test', 'notify.test', 'notify.test', 'home.offline']);
}, 120_000);
