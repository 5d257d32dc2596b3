// The relay's own name reaches its own TLS server (Caddy) through the pass-through's fallback: with
// `passthrough.proxyProtocol`, that server is told the client's address in a PROXY protocol v1
// line (else every agent and phone would come from the relay's 127.0.0.1, one address for every
// per-address limit and every X-Forwarded-For), and then gets the client's bytes unchanged.
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../server/clock.js';
import { silentLogger } from '../../../server/log.js';
import { createPassthrough } from '../../../server/relay/passthrough.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

/** A fallback that records what it receives, and the pass-through in front of it. */
async function setUp(proxyProtocol: boolean) {
  const received: Buffer[] = [];
  let got!: () => void;
  const enough = new Promise<void>((r) => {
    got = r;
  });
  const fallback = net.createServer((s) => {
    s.on('data', (c: Buffer) => {
      received.push(c);
      // The PROXY line (if any) and the whole ClientHello.
      if (Buffer.concat(received).includes(Buffer.from('relay.test'))) got();
    });
    s.on('error', () => {});
  });
  await new Promise<void>((r) => fallback.listen(0, '127.0.0.1', () => r()));
  const server = createPassthrough({
    router: { pipe: () => ({ refused: 'no home has that name' }) },
    fallback: { host: '127.0.0.1', port: (fallback.address() as net.AddressInfo).port },
    proxyProtocol,
    clock: systemClock,
    log: silentLogger,
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(
    () => server.close(),
    () => fallback.close(),
  );
  const port = (server.address() as net.AddressInfo).port;
  const client = tls.connect({ host: '127.0.0.1', port, servername: 'relay.test' });
  client.on('error', () => {});
  await new Promise<void>((r) => client.once('connect', () => r()));
  closers.unshift(() => client.destroy());
  await enough;
  return { bytes: Buffer.concat(received), clientPort: client.localPort, port };
}

describe('pass-through fallback and the PROXY protocol', () => {
  it("tells the relay's own TLS server the client's address, then passes the hello unchanged", async () => {
    const { bytes, clientPort, port } = await setUp(true);
    const line = `PROXY TCP4 127.0.0.1 127.0.0.1 ${clientPort} ${port}\r\n`;
    expect(bytes.subarray(0, line.length).toString()).toBe(line);
    // A TLS handshake record follows at once.
    expect(bytes[line.length]).toBe(0x16);
  });

  it('sends nothing of its own without it', async () => {
    const { bytes } = await setUp(false);
    expect(bytes[0]).toBe(0x16);
    expect(bytes.includes(Buffer.from('PROXY'))).toBe(false);
  });
});
