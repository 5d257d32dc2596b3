// Behind a load balancer in TCP mode every connection to the pass-through comes from the balancer:
// with `proxyFrom` it begins with a PROXY protocol header naming the client, and that client is the
// connection's source — for the home it is piped to and for the per-source limits. Only the listed
// peers are believed; a header from anyone else, and a broken one from a listed peer, is refused
// without harm to the listener.
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { addressList } from '../../../server/address-list.js';
import { systemClock } from '../../../server/clock.js';
import { silentLogger } from '../../../server/log.js';
import { createPassthrough, type PassthroughOptions } from '../../../server/relay/passthrough.js';
import { waitFor } from '../../harness/agent.js';

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

/** The listener with a router that records who each stream for a home's name came from. */
async function setUp(proxyFrom: string[], limits: PassthroughOptions['limits'] = {}) {
  const piped: { name: string; source: string }[] = [];
  const outcomes: string[] = [];
  const server = createPassthrough({
    router: {
      pipe(name, socket, _first, source) {
        piped.push({ name, source });
        socket.destroy();
        return null;
      },
    },
    proxyFrom: addressList(proxyFrom),
    limits,
    clock: systemClock,
    log: silentLogger,
    outcome: (o) => outcomes.push(o),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => server.close());
  return { port: (server.address() as net.AddressInfo).port, piped, outcomes };
}

/** A TCP connection from `from` that sends `header`, then (unless `hello` is false) a real ClientHello. */
function connect(port: number, header: Buffer | string, opts: { from?: string; hello?: boolean } = {}) {
  const raw = net.connect({ port, host: '127.0.0.1', localAddress: opts.from ?? '127.0.0.1' });
  raw.on('error', () => {});
  const closed = new Promise<void>((r) => raw.once('close', () => r()));
  raw.once('connect', () => {
    raw.write(header);
    if (opts.hello === false) return;
    const t = tls.connect({ socket: raw, servername: 'home.test' });
    t.on('error', () => {});
  });
  closers.push(() => raw.destroy());
  return { raw, closed };
}

function v2(client: string, clientPort: number, command = 0x21, family = 0x11): Buffer {
  const sig = Buffer.from([0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a]);
  const body = Buffer.alloc(12);
  Buffer.from(client.split('.').map(Number)).copy(body, 0);
  Buffer.from([192, 0, 2, 1]).copy(body, 4);
  body.writeUInt16BE(clientPort, 8);
  body.writeUInt16BE(443, 10);
  const head = Buffer.from([command, family, 0, body.length]);
  return Buffer.concat([sig, head, body]);
}

describe('PROXY protocol on the pass-through port', () => {
  it("takes the client a listed balancer names (v2 and v1) as the stream's source", async () => {
    const pass = await setUp(['127.0.0.1']);
    connect(pass.port, v2('203.0.113.7', 50000));
    connect(pass.port, 'PROXY TCP4 198.51.100.9 192.0.2.1 40000 443\r\n');
    connect(pass.port, 'PROXY TCP6 2001:db8::5 2001:db8::1 40000 443\r\n');
    await waitFor(() => pass.piped.length === 3, 5_000, 'three streams piped');
    expect(pass.piped.map((p) => p.source).sort()).toEqual(['198.51.100.9', '2001:db8::5', '203.0.113.7']);
    expect(pass.piped.every((p) => p.name === 'home.test')).toBe(true);
  });

  it("counts the limits by the header's client, not by the balancer", async () => {
    const pass = await setUp(['127.0.0.1'], { connectsPerMinute: 2 });
    for (let i = 0; i < 3; i++) await connect(pass.port, v2('203.0.113.7', 50000 + i)).closed;
    await connect(pass.port, v2('203.0.113.8', 50010)).closed;
    expect(pass.outcomes).toEqual(['piped', 'piped', 'limited', 'piped']);
    expect(pass.piped.map((p) => p.source)).toEqual(['203.0.113.7', '203.0.113.7', '203.0.113.8']);
  });

  it('refuses a PROXY header from a peer that is not listed: it is not TLS', async () => {
    const pass = await setUp(['127.0.0.1']);
    await connect(pass.port, v2('203.0.113.7', 50000), { from: '127.0.0.2' }).closed;
    await connect(pass.port, 'PROXY TCP4 203.0.113.7 192.0.2.1 40000 443\r\n', { from: '127.0.0.2' }).closed;
    expect(pass.piped).toEqual([]);
    expect(pass.outcomes).toEqual(['not-tls', 'not-tls']);
  });

  it('refuses a listed peer whose header is missing, malformed or truncated, and serves the next one', async () => {
    const pass = await setUp(['127.0.0.1'], { helloTimeoutMs: 500 });
    const bad: (Buffer | string)[] = [
      // No header at all: a bare ClientHello (the hello follows).
      '',
      'PROXY TCP4 999.1.1.1 192.0.2.1 40000 443\r\n',
      'PROXY TCP4 203.0.113.7 192.0.2.1 70000 443\r\n',
      'PROXY TCP4 203.0.113.7 192.0.2.1 40000\r\n',
      'PROXY TCP6 203.0.113.7 192.0.2.1 40000 443\r\n',
      `PROXY TCP4 ${'1'.repeat(120)}\r\n`,
      'GET / HTTP/1.1\r\n\r\n',
      v2('203.0.113.7', 50000, 0x31),
      v2('203.0.113.7', 50000, 0x21, 0x31),
    ];
    for (const header of bad) await connect(pass.port, header).closed;
    // Truncated, then the peer goes quiet: the hello timeout ends it.
    await connect(pass.port, v2('203.0.113.7', 50000).subarray(0, 14), { hello: false }).closed;
    // Truncated, then the peer hangs up.
    const cut = connect(pass.port, 'PROXY TCP4 203.0.113.7', { hello: false });
    await new Promise((r) => setTimeout(r, 100));
    cut.raw.end();
    await cut.closed;
    expect(pass.piped).toEqual([]);
    expect(pass.outcomes.slice(0, bad.length)).toEqual(bad.map(() => 'bad-proxy-header'));
    expect(pass.outcomes.slice(bad.length)).toEqual(['timeout']);
    connect(pass.port, v2('203.0.113.7', 50000));
    await waitFor(() => pass.piped.length === 1, 5_000, 'the next stream piped');
    expect(pass.piped[0]?.source).toBe('203.0.113.7');
  });
});
