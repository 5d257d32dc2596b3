// Shared by the TLS tests: the agent's TLS parts pointed at a real pebble and a real BIND, with
// the TXT written through the RFC 2136 provider, and an HTTPS client that trusts only what it is given.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import { TlsSchema } from '../../../../server/agent/tls/config.js';
import type { CertificatePair } from '../../../../server/agent/tls/files.js';
import { createTls, type Tls, type TlsDeps } from '../../../../server/agent/tls/tls.js';
import { systemClock } from '../../../../server/clock.js';
import { silentLogger } from '../../../../server/log.js';
import type { TestBind } from '../../../harness/bind.js';
import type { TestPebble } from '../../../harness/pebble.js';

export const NAME = 'home.lifeline.test';

export const FAST = {
  visibleWithinMs: 10_000,
  pollMs: 100,
  retry: { firstMs: 300, maxMs: 1_500 },
  acmePoll: { minMs: 150, maxMs: 1_000, attempts: 30 },
  requestTimeoutMs: 5_000,
};

export function tlsFor(
  bind: TestBind,
  pebble: TestPebble,
  dataDir: string,
  over: { key?: TestBind['key']; config?: Record<string, unknown>; deps?: Partial<TlsDeps> } = {},
): Tls {
  const config = v.parse(TlsSchema, {
    name: NAME,
    directory: pebble.directory,
    caFile: pebble.listenerCaFile,
    provider: { provider: 'rfc2136', server: bind.server, zone: bind.zone, key: over.key ?? bind.key },
    resolver: bind.server,
    authoritativePort: bind.port,
    ...over.config,
  });
  return createTls({
    config,
    dataDir,
    clock: systemClock,
    log: silentLogger,
    timings: FAST,
    ...over.deps,
  });
}

/** An HTTPS server on loopback serving the pair, swapped in place on each change. */
export async function serve(pair: CertificatePair) {
  const server = https.createServer({ cert: pair.cert, key: pair.key }, (_req, res) => res.end('home'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** GET / as a browser would for https://home.lifeline.test: the body and the served serial, or the TLS error code. */
export function fetchHome(
  port: number,
  ca: string | undefined,
): Promise<{ body: string; serial: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = https.get(
      {
        host: '127.0.0.1',
        port,
        servername: NAME,
        path: '/',
        agent: false,
        ...(ca ? { ca } : {}),
      },
      (res) => {
        const serial = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().serialNumber;
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ body, serial }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
  });
}
