// A client that sends its request slowly (headers a line at a time, or a body that never ends) is
// cut off, so such connections cannot pile up on an agent or relay that faces the internet; a
// normal request and a WebSocket that stays open longer than the limit are untouched.
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHttpServer, REQUEST_TIMEOUT_MS } from '../../../server/http/server.js';

const LIMIT_MS = 1_000;
let app: FastifyInstance;
let port: number;

beforeAll(async () => {
  app = createHttpServer({
    trustProxy: [],
    bodyLimit: 16 * 1024,
    maxPayload: 1024,
    route: undefined,
    metrics: { allowed: () => false, sources: [{ metrics: async () => '', contentType: 'text/plain' }] },
    clientDir: false,
    servedBy: 'agent',
    origins: { names: [], connect: [] },
    requestTimeoutMs: LIMIT_MS,
  });
  app.post('/echo', async (req) => req.body);
  // In a plugin, so it is added once @fastify/websocket is loaded.
  app.register(async (scope) => {
    scope.get('/ws/test', { websocket: true }, (socket) => {
      socket.on('message', (m) => socket.send(m));
    });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  port = (app.server.address() as net.AddressInfo).port;
});

afterAll(async () => {
  await app?.close();
});

/** Writes the first part, then the second again and again, one every 300 ms; resolves with how long until the server closed, or null if it never did within `ms`. */
function trickle(parts: string[], ms: number): Promise<number | null> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    let i = 0;
    const timer = setInterval(() => {
      if (!socket.destroyed && !socket.writableEnded) socket.write(parts[Math.min(i++, 1)]!);
    }, 300);
    const give = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      resolve(null);
    }, ms);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(give);
      resolve(Date.now() - started);
    });
  });
}

describe('slow requests', () => {
  it('ships a limit that a phone or ctl never gets near', () => {
    expect(REQUEST_TIMEOUT_MS).toBeGreaterThanOrEqual(10_000);
    expect(REQUEST_TIMEOUT_MS).toBeLessThanOrEqual(60_000);
  });

  it('drops a client that trickles its headers', async () => {
    const closed = await trickle(['GET / HTTP/1.1\r\nHost: x\r\n', 'X-Slow: 1\r\n'], 8 * LIMIT_MS);
    expect(closed).not.toBeNull();
  });

  it('drops a client whose body never ends', async () => {
    const closed = await trickle(
      ['POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n', 'a'],
      8 * LIMIT_MS,
    );
    expect(closed).not.toBeNull();
  });

  it('keeps a WebSocket open past the limit, and answers ordinary requests', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/test`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    await new Promise((r) => setTimeout(r, 4 * LIMIT_MS));
    const echoed = new Promise((resolve) => ws.once('message', (m) => resolve(String(m))));
    ws.send('still here');
    expect(await echoed).toBe('still here');
    ws.close();
    const res = await fetch(`http://127.0.0.1:${port}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(await res.text()).toBe('hello');
  });
});
