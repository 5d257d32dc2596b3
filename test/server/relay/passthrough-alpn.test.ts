// Behind a load balancer an agent's link carries its home's name as SNI, like the home's phones:
// the pass-through tells them apart by ALPN. A hello offering `lifeline-link` goes to the relay's
// own TLS (fallback), never into the home's pipe; a phone's hello for the same name is piped.
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock.js';
import { silentLogger } from '../../../server/log.js';
import { readClientHello } from '../../../server/relay/client-hello.js';
import { createPassthrough } from '../../../server/relay/passthrough.js';
import { makeCerts, type TestCerts } from '../../harness/tls.js';

/** The ClientHello Node's TLS sends for these options, as bytes on the wire. */
async function helloOf(opts: tls.ConnectionOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const server = net.createServer((s) => {
    s.on('data', (c: Buffer) => {
      chunks.push(c);
      s.destroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => {
    const c = tls.connect({ host: '127.0.0.1', port, ...opts });
    c.on('error', () => resolve());
    c.on('close', () => resolve());
  });
  await new Promise<void>((r) => server.close(() => r()));
  return Buffer.concat(chunks);
}

describe('readClientHello', () => {
  it('reads the name and the offered protocols, whatever the segments', async () => {
    const hello = await helloOf({ servername: 'home.test', ALPNProtocols: ['lifeline-link', 'http/1.1'] });
    expect(readClientHello(hello)).toEqual({
      status: 'sni',
      name: 'home.test',
      alpn: ['lifeline-link', 'http/1.1'],
    });
    for (let n = 1; n < hello.length; n += 7)
      expect(readClientHello(hello.subarray(0, n)).status).toBe('more');
  });

  it('reads a phone’s hello with no ALPN, and a hello with no name', async () => {
    expect(readClientHello(await helloOf({ servername: 'home.test' }))).toEqual({
      status: 'sni',
      name: 'home.test',
      alpn: [],
    });
    expect(readClientHello(await helloOf({ servername: '', ALPNProtocols: ['h2'] }))).toEqual({
      status: 'no-sni',
      alpn: ['h2'],
    });
  });

  it('calls a malformed ALPN extension not TLS', async () => {
    const hello = Buffer.from(await helloOf({ servername: 'home.test', ALPNProtocols: ['abc'] }));
    // The ALPN body is [len u16][len u8]"abc": make the inner length overrun the list.
    const at = hello.indexOf(Buffer.from([3, 0x61, 0x62, 0x63]));
    hello[at] = 9;
    expect(readClientHello(hello).status).toBe('not-tls');
  });
});

describe('pass-through by ALPN', () => {
  let certs: TestCerts;
  let own: tls.Server;
  let pass: net.Server;
  const piped: string[] = [];
  const outcomes: string[] = [];

  beforeAll(async () => {
    certs = makeCerts();
    own = tls.createServer({ cert: certs.cert, key: certs.key }, (s) => s.end('relay itself'));
    await new Promise<void>((r) => own.listen(0, '127.0.0.1', r));
    pass = createPassthrough({
      // A home that holds home.test: its "pipe" answers with a marker instead of TLS.
      router: {
        pipe(name, socket) {
          piped.push(name);
          socket.end('home pipe');
          return null;
        },
      },
      fallback: { host: '127.0.0.1', port: (own.address() as net.AddressInfo).port },
      clock: systemClock,
      log: silentLogger,
      outcome: (o) => outcomes.push(o),
    });
    await new Promise<void>((r) => pass.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    await new Promise<void>((r) => pass.close(() => r()));
    await new Promise<void>((r) => own.close(() => r()));
    certs.remove();
  });

  const port = () => (pass.address() as net.AddressInfo).port;

  it('sends an agent’s link for a home’s name to the relay itself', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const s = tls.connect({
        host: '127.0.0.1',
        port: port(),
        servername: 'home.test',
        ALPNProtocols: ['lifeline-link', 'http/1.1'],
        ca: certs.ca,
        checkServerIdentity: (_n, cert) => tls.checkServerIdentity('localhost', cert),
      });
      let got = '';
      s.on('data', (c: Buffer) => {
        got += c.toString();
      });
      s.on('end', () => resolve(got));
      s.on('error', reject);
    });
    expect(text).toBe('relay itself');
    expect(piped).toEqual([]);
    expect(outcomes).toEqual(['fallback']);
  });

  it('pipes a phone’s TLS for the same name to the home', async () => {
    const raw = await new Promise<string>((resolve) => {
      const s = tls.connect({ host: '127.0.0.1', port: port(), servername: 'home.test', ca: certs.ca });
      s.on('error', () => resolve(piped.join()));
    });
    expect(raw).toBe('home.test');
    expect(outcomes.at(-1)).toBe('piped');
  });
});
