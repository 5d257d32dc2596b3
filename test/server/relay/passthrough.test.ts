// The relay forwards a phone's TLS to its home by SNI without opening it: the agent ends TLS with
// its own certificate, so the phone reaches the same origin (https://home.test) through the relay
// and directly, and the relay sees only the name.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../../../shared/client/agent-client.js';
import { openClientSession } from '../../../shared/session/client-session.js';
import { generateIdentity } from '../../../shared/session/keys.js';
import { prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../../harness/agent.js';
import {
  getHttps,
  openTlsSocket,
  startPassthrough,
  type TestPassthrough,
} from '../../harness/passthrough.js';
import { linkOf, linkUp, startTestRelay, type TestRelay } from '../../harness/relay.js';
import { type StaticHttps, staticHttps } from '../../harness/static-https.js';
import { tempDir } from '../../harness/temp.js';
import { makeCerts, type TestCerts } from '../../harness/tls.js';

let certs: TestCerts;
let relay: TestRelay;
let pass: TestPassthrough;
let t: TestAgent;
let https: StaticHttps;
/** A built app with one big file: 3 MiB, many times the pass-through window. */
const app = tempDir('lifeline-app-');
const big = randomBytes(3 * 1024 * 1024).toString('base64');
mkdirSync(path.join(app.dir, 'assets'));
writeFileSync(path.join(app.dir, 'index.html'), '<!doctype html><title>Lifeline</title>');
writeFileSync(path.join(app.dir, 'assets', 'big.js'), big);

beforeAll(async () => {
  certs = makeCerts({ dns: ['home.test'] });
  const prepared = await prepareAgentDir();
  relay = await startTestRelay({ homes: [prepared.homeId] });
  pass = await startPassthrough(relay);
  https = staticHttps('home.test', certs);
  const relayUrl = relay.url;
  t = await startTestAgent(
    {
      yaml: `home: { name: Test home }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relayUrl}" }\n`,
      capabilities: [https.factory],
      clientDir: app.dir,
    },
    prepared,
  );
  await linkUp(t);
  await waitFor(() => linkOf(t)?.names?.includes('home.test'), 10_000, 'the relay routes home.test');
}, 60_000);

afterAll(async () => {
  await t?.close();
  await pass?.close();
  await relay?.close();
  certs?.remove();
  app.remove();
});

const lanPort = () => https.side().listening.port!;
/** Pass-through streams the relay holds now (its metrics gauge). */
const relayPipes = async () => {
  const m = /lifeline_relay_tls_streams_open (\d+)/.exec(await relay.relay.metrics.registry.metrics());
  return m ? Number(m[1]) : -1;
};

describe('SNI pass-through', () => {
  it('serves the same origin through the relay and directly, with the agent’s certificate', async () => {
    const viaRelay = await getHttps('home.test', pass.port, '/healthz', certs.ca);
    expect(viaRelay.status).toBe(200);
    expect(JSON.parse(viaRelay.body)).toEqual({ ok: true });
    expect(viaRelay.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const direct = await getHttps('home.test', lanPort(), '/healthz', certs.ca);
    expect(direct.status).toBe(200);
    expect(pass.outcomes).toContain('piped');
  });

  it('pairs and runs a session through the pass-through, end to end', async () => {
    const { identity } = await generateIdentity(false);
    const { code } = t.agent.pairing.create(null);
    const { transport } = await openTlsSocket('home.test', pass.port, '/ws/session', certs.ca);
    const session = await openClientSession(transport, {
      homeId: t.agent.homeId,
      device: identity,
      client: { kind: 'ctl', version: 'test' },
      pair: { code, name: 'phone away' },
    });
    const client = new AgentClient(session);
    await client.ready();
    expect(t.agent.hub.countByPath().relay).toBeGreaterThanOrEqual(1);
    client.close();
  });

  it('answers a name no home holds with unrecognized_name, and the relay never holds a key for it', async () => {
    const err = await new Promise<Error>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: pass.port, servername: 'other.test', ca: certs.ca });
      s.on('error', resolve);
      s.on('secureConnect', () => resolve(new Error('connected')));
    });
    expect(err.message).toMatch(/unrecognized name|UNRECOGNIZED_NAME/i);
  });

  it('passes large downloads through intact, several at once, under the credit window', async () => {
    const results = await Promise.all(
      Array.from({ length: 4 }, () => getHttps('home.test', pass.port, '/assets/big.js', certs.ca)),
    );
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(r.body.length).toBe(big.length);
      expect(r.body === big).toBe(true);
    }
    await waitFor(async () => (await relayPipes()) === 0, 5_000, 'the streams closed');
  });
});
