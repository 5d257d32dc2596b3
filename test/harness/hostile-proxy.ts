// A WebSocket man-in-the-middle for tests: it forwards frames between client and agent and lets a
// test flip bits, replay, drop, reorder or inject them — what a hostile relay could do.
import { createServer, type Server } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';

export type Frame = { data: Buffer; binary: boolean };
export type Direction = 'up' | 'down';

/** Decides what reaches the other side: return the frames to forward (none = drop). */
export type Tamper = (frame: Frame, dir: Direction, index: number, conn: ProxyConnection) => Frame[];

export interface ProxyConnection {
  /** Sends a frame of the proxy's own making in a direction. */
  inject(dir: Direction, frame: Frame): void;
  recorded: Record<Direction, Frame[]>;
}

export interface HostileProxy {
  url: string;
  tamper: Tamper;
  connections: ProxyConnection[];
  close(): Promise<void>;
}

/**
 * `keepHost` (default): the proxy passes the Host it was asked for on, as a capture on the relay's
 * own machine would; false: it is another relay, and upstream sees its own name asked for.
 */
export async function startHostileProxy(
  upstreamBase: string,
  opts: { keepHost?: boolean } = {},
): Promise<HostileProxy> {
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server });
  const proxy: HostileProxy = {
    url: '',
    tamper: (f) => [f],
    connections: [],
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  wss.on('connection', (down, req) => {
    const up = new WebSocket(
      new URL(req.url ?? '/', upstreamBase.replace(/^http/, 'ws')).toString(),
      opts.keepHost !== false && req.headers.host ? { headers: { host: req.headers.host } } : {},
    );
    const queued: Frame[] = [];
    const counters: Record<Direction, number> = { up: 0, down: 0 };
    const conn: ProxyConnection = {
      recorded: { up: [], down: [] },
      inject(dir, frame) {
        const to = dir === 'up' ? up : down;
        if (to.readyState === WebSocket.OPEN) to.send(frame.data, { binary: frame.binary });
      },
    };
    proxy.connections.push(conn);
    const pass = (dir: Direction, data: Buffer, binary: boolean) => {
      const frame = { data: Buffer.from(data), binary };
      conn.recorded[dir].push(frame);
      for (const out of proxy.tamper(frame, dir, counters[dir]++, conn)) conn.inject(dir, out);
    };
    up.on('open', () => {
      for (const f of queued.splice(0)) pass('up', f.data, f.binary);
    });
    down.on('message', (data: Buffer, binary: boolean) => {
      if (up.readyState === WebSocket.OPEN) pass('up', data, binary);
      else queued.push({ data, binary });
    });
    up.on('message', (data: Buffer, binary: boolean) => pass('down', data, binary));
    const closeBoth = () => {
      if (up.readyState <= WebSocket.OPEN) up.close();
      if (down.readyState <= WebSocket.OPEN) down.close();
    };
    up.on('close', closeBoth);
    down.on('close', closeBoth);
    up.on('error', closeBoth);
    down.on('error', closeBoth);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  proxy.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return proxy;
}

export const flipBit = (f: Frame, at = -1): Frame => {
  const data = Buffer.from(f.data);
  const i = at < 0 ? data.length + at : at;
  data[i]! ^= 0x01;
  return { data, binary: f.binary };
};
