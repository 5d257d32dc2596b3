// What a web page in the owner's browser may do to a Lifeline server: open /ws/session only from
// the app's own origin (ctl and agents send no Origin and stay welcome), never frame the app, never
// run inline script in it; and the relay serves no app code unless its owner opted in. An agent's
// link signature names the relay it dialled, so a relay in the middle cannot pass it on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildRelayApp } from '../../../server/relay/app.js';
import { prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../../harness/agent.js';
import { type HostileProxy, startHostileProxy } from '../../harness/hostile-proxy.js';
import { linkOf, startTestRelay, type TestRelay } from '../../harness/relay.js';

let t: TestAgent;
let relay: TestRelay;

beforeAll(async () => {
  t = await startTestAgent();
  relay = await startTestRelay({ homes: [] });
});

afterAll(async () => {
  await t?.close();
  await relay?.close();
});

/** Opens a WebSocket with these headers: 'open', or the HTTP status / close code it got instead. */
function tryWs(url: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.once('close', (code) => resolve(`open, then closed ${code}`));
      setTimeout(() => {
        resolve('open');
        ws.terminate();
      }, 300);
    });
    ws.once('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
    ws.once('error', (e) => resolve(`error ${e.message}`));
  });
}

describe('WebSocket Origin check', () => {
  const ws = () => `${t.url.replace('http', 'ws')}/ws/session`;

  it('refuses a session opened by a page of a foreign origin', async () => {
    expect(await tryWs(ws(), { Origin: 'https://evil.example' })).toBe('HTTP 403');
  });

  it('refuses a DNS-rebinding page (its Origin matches the Host, but the name is not this agent’s)', async () => {
    const port = new URL(t.url).port;
    expect(await tryWs(ws(), { Origin: `http://evil.example:${port}`, Host: `evil.example:${port}` })).toBe(
      'HTTP 403',
    );
  });

  it('lets in the app’s own origin, and clients that send no Origin (ctl, agents)', async () => {
    expect(await tryWs(ws(), { Origin: t.url })).toMatch(/^open/);
    expect(await tryWs(ws(), {})).toMatch(/^open/);
  });

  it('refuses agent links opened from a web page', async () => {
    const url = `${relay.url.replace('http', 'ws')}/ws/agent`;
    expect(await tryWs(url, { Origin: 'https://evil.example' })).toBe('open, then closed 4403');
  });
});

describe('security headers', () => {
  it('sends a CSP with no inline script and no framing, and no HSTS over plain http', async () => {
    for (const path of ['/', '/healthz']) {
      const res = await fetch(`${t.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });
});

describe('the relay serves no app by default', () => {
  it('answers 404 for the app’s files unless relay.yaml opts in (app.serve)', async () => {
    expect((await fetch(`${relay.url}/`)).status).toBe(404);
    expect((await fetch(`${relay.url}/sw.js`)).status).toBe(404);
    expect((await fetch(`${relay.url}/healthz`)).status).toBe(200);
    const optedIn = await buildRelayApp({ relay: relay.relay, trustProxy: [], serveApp: true });
    try {
      expect((await optedIn.inject({ url: '/' })).statusCode).toBe(200);
      expect(JSON.parse((await optedIn.inject({ url: '/origin.json' })).body)).toEqual({ servedBy: 'relay' });
    } finally {
      await optedIn.close();
    }
  });
});

describe('relay-auth names the relay', () => {
  let proxy: HostileProxy;
  let behind: TestAgent;
  afterAll(async () => {
    await behind?.close();
    await proxy?.close();
  });

  it('a relay that passes an agent’s answer on to another relay is refused there', async () => {
    const prepared = await prepareAgentDir();
    const far = await startTestRelay({ homes: [prepared.homeId] });
    try {
      proxy = await startHostileProxy(far.url, { keepHost: false });
      const proxyUrl = proxy.url;
      behind = await startTestAgent(
        {
          yaml: `home: { name: Test home }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${proxyUrl}" }\n`,
        },
        prepared,
      );
      const why = await waitFor(() => linkOf(behind)?.lastError, 10_000, 'the link refused');
      expect(why).toMatch(/signed for .*not for this relay/);
      expect(linkOf(behind)?.connected).toBe(false);
    } finally {
      await behind?.close();
      await far.close();
    }
  });
});
