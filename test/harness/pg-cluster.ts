// Several `lifeline relay` processes sharing one PostgreSQL (relay.yaml `cluster:`), a TCP front
// that forwards to whichever instance owns the home now (what HAProxy's consistent hash does when
// an instance dies), and direct SQL for what the tests check in the shared state.
import { writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { killAndWait } from './child.js';
import { freePort, startCli } from './cli.js';
import { tempDir } from './temp.js';

export interface ClusterRelay {
  name: string;
  url: string;
  port: number;
  /** kill -9: no cleanup, its heartbeat row simply stops. */
  kill(): Promise<void>;
  /** Starts it again (same name, port and config) after kill(). */
  start(): Promise<void>;
  alive(): boolean;
  health(): Promise<Record<string, unknown>>;
  output(): string;
  close(): Promise<void>;
}

export interface ClusterRelayOptions {
  name: string;
  database: string;
  homes: readonly string[];
  /** PEM of the CA the test push service's certificate chains to. */
  ca?: string;
  offline?: { afterSeconds: number; graceSeconds: number };
}

export async function startClusterRelay(opts: ClusterRelayOptions): Promise<ClusterRelay> {
  const tmp = tempDir(`lifeline-${opts.name}-`);
  const port = await freePort();
  const file = path.join(tmp.dir, 'relay.yaml');
  const offline = opts.offline ?? { afterSeconds: 5, graceSeconds: 10 };
  writeFileSync(
    file,
    [
      `listen: { host: 127.0.0.1, port: ${port} }`,
      'data: ./data',
      `homes: [${opts.homes.map((h) => `"${h}"`).join(', ')}]`,
      'trustProxy: []',
      'vapidSubject: mailto:test@example.com',
      `offline: { afterSeconds: ${offline.afterSeconds}, graceSeconds: ${offline.graceSeconds} }`,
      'limits: { connectsPerMinute: 10000, sourceConnectsPerMinute: 100000 }',
      `cluster: { database: "${opts.database}", instance: ${opts.name} }`,
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = { LIFELINE_LOG: process.env.LIFELINE_TEST_LOG ? 'info' : 'warn' };
  if (opts.ca) {
    writeFileSync(path.join(tmp.dir, 'ca.pem'), opts.ca);
    env.NODE_EXTRA_CA_CERTS = path.join(tmp.dir, 'ca.pem');
  }
  let proc: Awaited<ReturnType<typeof startCli>> | undefined;
  let earlier = '';
  const start = async () => {
    proc = await startCli(['relay', '-c', file], /Lifeline relay is running/, { env, timeoutMs: 30_000 });
  };
  await start();
  const r: ClusterRelay = {
    name: opts.name,
    url: `http://127.0.0.1:${port}`,
    port,
    async kill() {
      const p = proc;
      if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
      earlier += p.output();
      await killAndWait(p.child);
    },
    start,
    alive: () => proc !== undefined && proc.child.exitCode === null && proc.child.signalCode === null,
    async health() {
      return (await (await fetch(`${r.url}/healthz`)).json()) as Record<string, unknown>;
    },
    output: () => earlier + (proc?.output() ?? ''),
    async close() {
      await proc?.stop();
      tmp.remove();
    },
  };
  return r;
}

/** A TCP front on 127.0.0.1 forwarding every new connection to `target` (a port). */
export interface Front {
  url: string;
  target: number;
  close(): Promise<void>;
}

export async function startFront(target: number): Promise<Front> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((down) => {
    const up = connect(front.target, '127.0.0.1');
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        down.destroy();
        up.destroy();
      });
    }
    down.pipe(up);
    up.pipe(down);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const front: Front = {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    target,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return front;
}

/** One query against the shared database (its own connection, closed after). */
export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}
