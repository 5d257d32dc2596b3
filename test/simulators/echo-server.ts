// An "what is my IP" echo endpoint like ipify / icanhazip: HTTPS with the test's own certificate,
// answering `text/plain` with whatever address the test says the world sees — or misbehaving.
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

export type EchoMode = { address: string } | { status: number; body: string } | { hang: true };

export interface EchoServer {
  url: string;
  mode: EchoMode;
  requests: number;
  close(): Promise<void>;
}

export async function startEchoServer(
  tls: { cert: string; key: string },
  mode: EchoMode,
  host: '127.0.0.1' | '::1' = '127.0.0.1',
): Promise<EchoServer> {
  const hanging = new Set<import('node:http').ServerResponse>();
  const server: Server = createServer({ cert: tls.cert, key: tls.key }, (_req, res) => {
    echo.requests++;
    const m = echo.mode;
    if ('hang' in m) {
      hanging.add(res);
      return;
    }
    if ('address' in m) res.writeHead(200, { 'content-type': 'text/plain' }).end(`${m.address}\n`);
    else res.writeHead(m.status, { 'content-type': 'text/html' }).end(m.body);
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const port = (server.address() as AddressInfo).port;
  const echo: EchoServer = {
    url: host === '::1' ? `https://[::1]:${port}/` : `https://127.0.0.1:${port}/`,
    mode,
    requests: 0,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return echo;
}
