// `lifeline start` with `relayServer.passthrough`: one port passes phones' TLS by name, as
// `lifeline relay` does. This home's own name ends TLS at its agent right there (the agent opens
// no listener of its own on that port), another home's name goes unopened over that home's link,
// and a name nobody holds gets the TLS `unrecognized_name` alert.
import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type AgentWithRelay, composeAgentWithRelay } from '../../server/compose.js';
import { loadConfig } from '../../server/config/load.js';
import { silentLogger } from '../../server/log.js';
import { wsTransport } from '../../server/ws-transport.js';
import { AgentClient } from '../../shared/client/agent-client.js';
import { sessionUrl } from '../../shared/pairing-link.js';
import { openClientSession } from '../../shared/session/client-session.js';
import { generateIdentity } from '../../shared/session/keys.js';
import { prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../harness/agent.js';
import { freePort } from '../harness/cli.js';
import { selfSignedCertificate } from '../harness/tls.js';

const NEAR = 'near.lifeline.test';
const FAR = 'far.lifeline.test';

/** A stored certificate for `name` (90 days, self-signed), as the keeper leaves it; returns its PEM. */
function storeCertificate(dataDir: string, name: string): string {
  const dir = path.join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const cert = path.join(dir, 'certificate.pem');
  selfSignedCertificate({
    certFile: cert,
    keyFile: path.join(dir, 'certificate.key'),
    subject: name,
    altNames: [`DNS:${name}`],
    days: 90,
  });
  return readFileSync(cert, 'utf8');
}

/** A `tls:` section whose CA never answers: the stored certificate is served, nothing is renewed. */
const tlsSection = (name: string, port: number) => ({
  name,
  directory: 'https://127.0.0.1:9/directory',
  provider: {
    provider: 'rfc2136',
    server: '127.0.0.1:9',
    zone: 'lifeline.test',
    key: { name: 'k', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 1).toString('base64') },
  },
  listen: { host: '127.0.0.1', port },
});

let near: AgentWithRelay;
let nearDir: Awaited<ReturnType<typeof prepareAgentDir>>;
let far: TestAgent;
let passPort: number;
const certs: Record<string, string> = {};

beforeAll(async () => {
  const farDir = await prepareAgentDir();
  nearDir = await prepareAgentDir();
  certs[NEAR] = storeCertificate(path.join(nearDir.dir, 'data'), NEAR);
  certs[FAR] = storeCertificate(path.join(farDir.dir, 'data'), FAR);
  passPort = await freePort();
  const file = path.join(nearDir.dir, 'lifeline.yaml');
  writeFileSync(
    file,
    JSON.stringify({
      home: { name: 'Near' },
      listen: { host: '127.0.0.1', port: 0 },
      // The same port as the pass-through: one origin, https://near.lifeline.test:<port>.
      tls: tlsSection(NEAR, passPort),
      relayServer: { homes: [farDir.homeId], passthrough: { host: '127.0.0.1', port: passPort } },
    }),
  );
  near = await composeAgentWithRelay({ loaded: loadConfig(file), log: silentLogger, port: 0 });
  const nearUrl = await near.listen();
  far = await startTestAgent(
    {
      yaml: JSON.stringify({
        home: { name: 'Far' },
        listen: { host: '127.0.0.1', port: 0 },
        relay: { url: nearUrl },
        tls: tlsSection(FAR, 0),
      }),
    },
    farDir,
  );
  await waitFor(
    async () => (await near.relay.status(far.agent.homeId))?.online,
    10_000,
    "the far home's link",
  );
});

afterAll(async () => {
  await far?.close();
  await near?.close();
  nearDir?.remove();
});

/** GET /healthz at the pass-through port for `name`, trusting only that name's certificate. */
function getThrough(name: string): Promise<{ body: string; fingerprint: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port: passPort,
        servername: name,
        path: '/healthz',
        ca: certs[name],
        agent: false,
      },
      (res) => {
        const fingerprint = (res.socket as tls.TLSSocket).getPeerCertificate().fingerprint256;
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ body, fingerprint }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: `${err.code}: ${err.message}` }));
  });
}

/** Pairs a device over wss://<name>:<pass-through port> as a phone would; the path the agent saw. */
async function pairThrough(name: string, t: { agent: TestAgent['agent'] }): Promise<string> {
  // The name resolves to the pass-through port, as DNS would point it at the relay.
  const socket = new WebSocket(sessionUrl(`wss://${name}:${passPort}`, t.agent.homeId), {
    createConnection: () =>
      tls.connect({ host: '127.0.0.1', port: passPort, servername: name, ca: certs[name] }),
  });
  const transport = wsTransport(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const { identity } = await generateIdentity(false);
  const session = await openClientSession(transport, {
    homeId: t.agent.homeId,
    device: identity,
    client: { kind: 'ctl', version: 'test' },
    pair: { code: t.agent.pairing.create(null).code, name: 'phone' },
  });
  const client = new AgentClient(session);
  await client.ready();
  const path = client.welcome.path;
  client.close();
  return path;
}

const fingerprintOf = (pem: string) => new X509Certificate(pem).fingerprint256;

describe('lifeline start with relayServer.passthrough', () => {
  it("ends this home's own TLS at its agent, on the shared port", async () => {
    expect(near.passthrough?.port).toBe(passPort);
    // The agent did not try (and fail) to bind the pass-through's port itself.
    expect(near.agent.https?.listening.up).toBe(false);
    const r = await getThrough(NEAR);
    expect(r).toMatchObject({ body: '{"ok":true}', fingerprint: fingerprintOf(certs[NEAR]!) });
    // A phone there is at home: the agent takes it directly, not looped over its own relay link.
    expect(await pairThrough(NEAR, near)).toBe('direct');
  });

  it("passes another home's TLS, unopened, over that home's link", async () => {
    const r = await getThrough(FAR);
    // Only the far agent holds that certificate: TLS ended there.
    expect(r).toMatchObject({ body: '{"ok":true}', fingerprint: fingerprintOf(certs[FAR]!) });
    expect(await pairThrough(FAR, far)).toBe('relay');
  });

  it('answers a name nobody holds with unrecognized_name', async () => {
    const err = await new Promise<string>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: passPort, servername: 'nobody.lifeline.test' });
      s.on('error', (e) => resolve(e.message));
      s.on('secureConnect', () => resolve('connected'));
    });
    expect(err).toMatch(/unrecognized name/i);
  });
});
