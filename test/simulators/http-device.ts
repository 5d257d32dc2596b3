// An HTTP server on 127.0.0.1:0 for simulated devices, with the network faults a test needs:
// silence (the request hangs, as when packets are dropped) and garbage replies.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { SimRelay } from './relay.js';

export interface SimReply {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

export interface SimRequest {
  method: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface HttpDevice {
  address: string;
  port: number;
  /** Requests seen, for assertions ("GET /relay/0?turn=off&timer=5"). */
  requests: string[];
  close(): Promise<void>;
}

export async function startHttpDevice(
  relay: SimRelay,
  handle: (req: SimRequest) => SimReply,
): Promise<HttpDevice> {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // A device that is off (cabinet) or dead hears nothing: the request just hangs.
      if (!relay.answering) return;
      const url = new URL(req.url ?? '/', 'http://device');
      requests.push(`${req.method} ${url.pathname}${url.search}`);
      if (relay.fault === 'garbage') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Router login</body></html>');
        return;
      }
      const reply = handle({
        method: req.method ?? 'GET',
        url,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      if (relay.loseReplyWhenDark && !relay.answering) return;
      res
        .writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers })
        .end(reply.body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    address: `127.0.0.1:${port}`,
    port,
    requests,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      relay.close();
    },
  };
}

export const json = (value: unknown, status = 200): SimReply => ({ status, body: JSON.stringify(value) });
