// The relay's TLS pass-through listener on a free loopback port, routed to a test relay (followed
// across restarts), and clients that reach a name through it the way a phone does.
import https from 'node:https';
import type net from 'node:net';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { systemClock } from '../../server/clock.js';
import { silentLogger } from '../../server/log.js';
import { createPassthrough, type PassthroughOptions } from '../../server/relay/passthrough.js';
import { wsTransport } from '../../server/ws-transport.js';
import type { MessageTransport } from '../../shared/session/transport.js';
import type { TestRelay } from './relay.js';

export interface TestPassthrough {
  port: number;
  server: net.Server;
  outcomes: string[];
  close(): Promise<void>;
}

export async function startPassthrough(
  relay: TestRelay,
  opts: Partial<Omit<PassthroughOptions, 'router'>> = {},
  at: { host: string; port: number } = { host: '127.0.0.1', port: 0 },
): Promise<TestPassthrough> {
  const outcomes: string[] = [];
  const server = createPassthrough({
    router: { pipe: (...a) => relay.relay.pipe(...a) },
    clock: systemClock,
    log: silentLogger,
    outcome: (o) => outcomes.push(o),
    ...opts,
  });
  await new Promise<void>((resolve) => server.listen(at.port, at.host, resolve));
  return {
    port: (server.address() as AddressInfo).port,
    server,
    outcomes,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Resolves every name to 127.0.0.1, as `--host-resolver-rules` does for Chromium. */
const loopback: NonNullable<https.RequestOptions['lookup']> = ((
  _host: string,
  options: { all?: boolean },
  cb: (...a: unknown[]) => void,
) =>
  options?.all
    ? cb(null, [{ address: '127.0.0.1', family: 4 }])
    : cb(null, '127.0.0.1', 4)) as unknown as NonNullable<https.RequestOptions['lookup']>;

export interface GetResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET https://name:port/path, trusting `ca` only, the name resolved to loopback. */
export function getHttps(name: string, port: number, pathname: string, ca: string): Promise<GetResult> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: name, port, path: pathname, ca, lookup: loopback, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
  });
}

/** A WebSocket to wss://name:port/path trusting `ca`, as the app opens /ws/session. */
export async function openTlsSocket(
  name: string,
  port: number,
  pathname: string,
  ca: string,
  headers: Record<string, string> = {},
): Promise<{ socket: WebSocket; transport: MessageTransport }> {
  const socket = new WebSocket(`wss://${name}:${port}${pathname}`, { ca, lookup: loopback, headers });
  const transport = wsTransport(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return { socket, transport };
}
