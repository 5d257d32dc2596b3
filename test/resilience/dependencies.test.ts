// SPEC §7.1, no hard dependency at start: the agent starts with Docker absent, the relay
// unreachable, DNS failing, a plug offline and the folder holding a secret not mounted. It reports
// each as degraded, and each recovers by itself once it returns — brought back one by one, with the
// agent never restarted.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { EntityKind } from '../../shared/protocol/vocabulary.js';
import { prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../harness/agent.js';
import { startBind, type TestBind } from '../harness/bind.js';
import { startDockerd, type TestDockerd } from '../harness/dockerd.js';
import { startTestRelay, type TestRelay } from '../harness/relay.js';
import { tempDir } from '../harness/temp.js';
import { makeCerts, type TestCerts } from '../harness/tls.js';
import { type EchoServer, startEchoServer } from '../simulators/echo-server.js';
import { type ShellyGen1Sim, startShellyGen1 } from '../simulators/shelly-gen1.js';

const NAME = 'home.lifeline.test';
const PUBLIC = '203.0.113.7';
let dockerd: TestDockerd | undefined;
let relay: TestRelay | undefined;
let bind: TestBind | undefined;
let certs: TestCerts | undefined;
let echo: EchoServer | undefined;
let plug: ShellyGen1Sim | undefined;
let t: TestAgent | undefined;
const mount = tempDir('lifeline-mount-');

afterAll(async () => {
  await t?.close();
  await relay?.close();
  await dockerd?.close();
  await bind?.close();
  await echo?.close();
  await plug?.close();
  certs?.remove();
  mount.remove();
});

it('starts with every dependency down, and recovers each by itself as it returns', async () => {
  // Every dependency exists but is down: Docker not started, the relay stopped, BIND stopped,
  // the plug silent, the secrets folder not mounted yet.
  dockerd = await startDockerd({ started: false });
  const prepared = await prepareAgentDir();
  relay = await startTestRelay({ homes: [prepared.homeId] });
  await relay.stop();
  bind = await startBind({ records: [`home IN A ${PUBLIC}`] });
  await bind.stop();
  certs = makeCerts();
  echo = await startEchoServer(certs, { address: PUBLIC });
  plug = await startShellyGen1({ watts: 12 });
  plug.relay.fault = 'silent';
  const secretFile = path.join(mount.dir, 'secrets', 'tsig.key');

  const config = {
    home: { name: 'Worst day' },
    listen: { host: '127.0.0.1', port: 0 },
    relay: { url: relay.url, heartbeatSeconds: 2 },
    containers: [{ id: 'nas', socket: dockerd.socket }],
    power: [
      {
        id: 'lamp',
        name: 'Lamp',
        driver: 'shelly-gen1',
        address: plug.address,
        pollSeconds: 1,
        timeoutSeconds: 1,
      },
    ],
    network: {
      names: [NAME],
      resolvers: [bind.server],
      publicIp: {
        echo: [{ url: echo.url, family: 'ipv4', ca: certs.caFile }],
        router: false,
        relay: false,
        intervalSeconds: 1,
      },
      checkIntervalSeconds: 1,
      ddns: {
        provider: 'rfc2136',
        record: NAME,
        zone: bind.zone,
        server: bind.server,
        key: { name: bind.key.name, algorithm: bind.key.algorithm, secretFile },
      },
    },
  };
  t = await startTestAgent({ yaml: JSON.stringify(config) }, prepared);
  const agent = t.agent;
  const get = <K extends EntityKind>(kind: K, id: string) => agent.state.get(kind, id);

  // Degraded, each with its reason, and the agent up and serving.
  const engine = await waitFor(() => get('containers.engine', 'nas'), 15_000, 'engine state');
  expect(engine.reachable).toBe(false);
  expect(engine.reason).toBeTruthy();
  await waitFor(() => get('power', 'lamp')?.online === false, 15_000, 'plug offline');
  const link = await waitFor(() => get('relay', 'link')?.lastError, 15_000, 'relay error');
  expect(link).toBeTruthy();
  await waitFor(() => get('network.name', NAME)?.resolvers[0]?.status === 'error', 15_000, 'DNS failing');
  await waitFor(() => (get('network.ddns', NAME)?.failures ?? 0) > 0, 15_000, 'DDNS failing');
  expect((await fetch(`${t.url}/healthz`)).status).toBe(200);

  // One by one they come back; nothing is restarted but the dependency itself.
  mkdirSync(path.dirname(secretFile), { recursive: true });
  writeFileSync(secretFile, bind.key.secret);
  plug.relay.fault = 'none';
  await waitFor(() => get('power', 'lamp')?.online === true, 15_000, 'plug back');

  await dockerd.start();
  await waitFor(() => get('containers.engine', 'nas')?.reachable === true, 30_000, 'Docker back');

  await relay.restart();
  await waitFor(() => get('relay', 'link')?.connected === true, 30_000, 'relay back');

  await bind.start();
  await waitFor(() => get('network.name', NAME)?.status === 'match', 30_000, 'DNS back');
  const ddns = await waitFor(
    () => {
      const d = get('network.ddns', NAME);
      return d?.status === 'in-sync' ? d : undefined;
    },
    90_000,
    'DDNS in sync',
  );
  expect(ddns.desired.ipv4).toBe(PUBLIC);
}, 240_000);
