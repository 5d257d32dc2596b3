// Power loss at any moment: the agent is killed with SIGKILL at random times while it is writing
// (commands audited as fast as a client can send them). After every kill the database must pass
// SQLite's integrity check and hold every audit entry whose result the client received.
// LIFELINE_LONG=1 runs 200 kills (the long mode); `npm test` runs a few.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { wsTransport } from '../../server/ws-transport.js';
import { AgentClient } from '../../shared/client/agent-client.js';
import { parsePairingLink, sessionUrl } from '../../shared/pairing-link.js';
import { openClientSession } from '../../shared/session/client-session.js';
import type { Identity } from '../../shared/session/keys.js';
import { generateIdentity } from '../../shared/session/keys.js';
import { freePort, runCli, startCli } from '../harness/cli.js';
import { tempDir } from '../harness/temp.js';

const KILLS = process.env.LIFELINE_LONG ? 200 : 6;
const tmp = tempDir('lifeline-powerloss-');
afterAll(() => tmp.remove());

async function connect(
  base: string,
  homeId: string,
  device: Identity,
  opts: { pair?: { code: string; name: string }; agentKey?: Uint8Array },
) {
  const socket = new WebSocket(sessionUrl(base, homeId));
  const transport = wsTransport(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const session = await openClientSession(transport, {
    homeId,
    device,
    client: { kind: 'ctl', version: 'test' },
    ...(opts.pair ? { pair: opts.pair } : {}),
    ...(opts.agentKey ? { pinnedAgentKey: opts.agentKey } : {}),
  });
  const client = new AgentClient(session);
  await client.ready();
  return client;
}

it(`keeps a consistent database with every acknowledged audit entry across ${KILLS} kill -9`, async () => {
  const port = await freePort();
  const file = path.join(tmp.dir, 'lifeline.yaml');
  writeFileSync(file, `listen: { host: 127.0.0.1, port: ${port} }\n`);
  const base = `http://localhost:${port}`;
  const { identity: device } = await generateIdentity(false);
  const pair = parsePairingLink(
    (JSON.parse((await runCli(['pair', '-c', file, '--json'])).stdout) as { link: string }).link,
  );
  if ('error' in pair) throw new Error(pair.error);
  let agentKey: Uint8Array | undefined;
  const acknowledged: string[] = [];
  let interruptedSeen = 0;

  for (let kill = 0; kill < KILLS; kill++) {
    const agent = await startCli(['start', '-c', file], /Lifeline is running/, { timeoutMs: 30_000 });
    const client = await connect(
      base,
      pair.homeId,
      device,
      agentKey ? { agentKey } : { pair: { code: pair.code, name: 'writer' } },
    );
    agentKey ??= client.agentKey;
    // Four writers at once, as fast as the agent answers, until the power goes.
    let running = true;
    const writer = async (w: number) => {
      for (let n = 0; running; n++) {
        const name = `k${kill}-w${w}-${n}`;
        const r = await client
          .command('devices.rename', { target: device.id, args: { name } })
          .catch(() => null);
        if (r?.status === 'ok') acknowledged.push(name);
        else return;
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await new Promise((r) => setTimeout(r, 30 + Math.random() * 400));
    agent.child.kill('SIGKILL');
    await new Promise<void>((r) => agent.child.once('exit', () => r()));
    running = false;
    await Promise.all(writers);

    const db = new Database(path.join(tmp.dir, 'data', 'lifeline.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const done = new Set(
        (
          db.prepare("SELECT args FROM audit WHERE action = 'devices.rename' AND outcome = 'ok'").all() as {
            args: string;
          }[]
        ).map((r) => (JSON.parse(r.args) as { name: string }).name),
      );
      const missing = acknowledged.filter((name) => !done.has(name));
      expect(missing, `kill ${kill}`).toEqual([]);
      interruptedSeen = (
        db.prepare("SELECT COUNT(*) AS n FROM audit WHERE code = 'interrupted'").get() as { n: number }
      ).n;
    } finally {
      db.close();
    }
  }
  expect(acknowledged.length).toBeGreaterThan(KILLS * 5);
  // Commands cut off mid-way are closed as "interrupted" by the next start, never left "running".
  const last = await startCli(['start', '-c', file], /Lifeline is running/, { timeoutMs: 30_000 });
  await last.stop();
  const db = new Database(path.join(tmp.dir, 'data', 'lifeline.db'), { readonly: true });
  try {
    expect(
      (db.prepare("SELECT COUNT(*) AS n FROM audit WHERE outcome = 'running'").get() as { n: number }).n,
    ).toBe(0);
    console.info(
      `[power-loss] ${KILLS} kills, ${acknowledged.length} acknowledged writes, ${interruptedSeen} commands cut off and closed as interrupted`,
    );
  } finally {
    db.close();
  }
}, 900_000);
