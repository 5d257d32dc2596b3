// The agent's link behind a load balancer that hashes on SNI: once a relay says `route: 'name'`,
// an agent with a name dials that relay with its name as SNI (and ALPN lifeline-link), yet still
// checks the relay's certificate against the relay URL's host, never against its own name.
import type net from 'node:net';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createLinkRoute, shouldLinkByName } from '../../../server/agent/relay-link/link-route.js';
import { makeCerts } from '../../harness/tls.js';

const URL_ = 'wss://localhost:8443/ws/agent';

describe('shouldLinkByName', () => {
  const base = { route: 'name' as const, name: 'home.test', url: URL_, sni: undefined };
  it('relinks a named agent whose link carried the relay host as SNI', () => {
    expect(shouldLinkByName(base)).toBe(true);
  });
  it('does not relink when the relay does not ask, the agent has no name, or the link is plain', () => {
    expect(shouldLinkByName({ ...base, route: undefined })).toBe(false);
    expect(shouldLinkByName({ ...base, name: undefined })).toBe(false);
    expect(shouldLinkByName({ ...base, url: 'ws://localhost:8081/ws/agent' })).toBe(false);
  });
  it('does not relink a link that already carried the name (no loop)', () => {
    expect(shouldLinkByName({ ...base, sni: 'home.test' })).toBe(false);
    expect(shouldLinkByName({ ...base, url: 'wss://HOME.test/ws/agent' })).toBe(false);
  });
});

describe('createLinkRoute', () => {
  it('remembers per relay URL: one relink, then every dial to that URL carries the name', () => {
    const route = createLinkRoute(() => 'home.test');
    expect(route.dialOptions(URL_)).toEqual({});
    expect(route.relinkByName(URL_, 'name')).toBe(true);
    expect(route.dialOptions(URL_)).toMatchObject({
      servername: 'home.test',
      ALPNProtocols: ['lifeline-link', 'http/1.1'],
    });
    expect(route.relinkByName(URL_, 'name')).toBe(false);
    // Another relay URL (a standby) is its own decision.
    expect(route.dialOptions('wss://standby.test/ws/agent')).toEqual({});
  });

  const certs = makeCerts();
  afterAll(() => certs.remove());

  /** Handshakes with a server holding a certificate for localhost only, with the route's options for `url`. */
  async function handshake(
    url: string,
  ): Promise<{ ok: boolean; sni?: string; alpn?: string[]; error?: string }> {
    const route = createLinkRoute(() => 'home.test');
    route.relinkByName(url, 'name');
    let seen: { servername: string; protocols: string[] } | undefined;
    const server = tls.createServer({
      cert: certs.cert,
      key: certs.key,
      ALPNCallback: (hello) => {
        seen = hello;
        return 'lifeline-link';
      },
    });
    server.on('secureConnection', (s) => s.end());
    server.on('tlsClientError', () => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      return await new Promise((resolve) => {
        const s = tls.connect({ host: '127.0.0.1', port, ca: certs.ca, ...route.dialOptions(url) });
        s.on('secureConnect', () => {
          s.end();
          resolve({ ok: true, sni: seen?.servername, alpn: seen?.protocols });
        });
        s.on('error', (e) => resolve({ ok: false, error: e.message }));
      });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  }

  it('sends the home’s name as SNI and verifies the certificate against the relay URL’s host', async () => {
    const r = await handshake(URL_);
    expect(r).toEqual({ ok: true, sni: 'home.test', alpn: ['lifeline-link', 'http/1.1'] });
  });

  it('refuses a relay whose certificate is not for the relay URL’s host', async () => {
    const r = await handshake('wss://relay.elsewhere.test/ws/agent');
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(/relay\.elsewhere\.test/);
  });
});

describe('watching where the name lands', () => {
  it('calls moved once a phone dialling the name would reach elsewhere, and not after unwatch', async () => {
    const answers = ['here', 'unknown', 'here', 'elsewhere'] as const;
    const asked: string[] = [];
    const route = createLinkRoute(
      () => 'home.test',
      async (url, name) => {
        asked.push(`${url} ${name}`);
        return answers[asked.length - 1] ?? 'here';
      },
      10,
    );
    route.relinkByName(URL_, 'name');
    const moved = await new Promise<number>((resolve) => route.watch(URL_, () => resolve(asked.length)));
    expect(moved).toBe(4);
    expect(asked[0]).toBe(`${URL_} home.test`);
    route.unwatch();
    const before = asked.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(asked.length).toBe(before);
  });

  it('does not watch a link that does not carry the name', async () => {
    let asked = 0;
    const route = createLinkRoute(
      () => 'home.test',
      async () => {
        asked++;
        return 'elsewhere';
      },
      5,
    );
    route.watch(URL_, () => {});
    await new Promise((r) => setTimeout(r, 40));
    expect(asked).toBe(0);
  });
});
