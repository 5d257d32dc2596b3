// Session set-up and command round trips, direct to a real agent on loopback.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAgent } from '../dist/server/agent/agent.js';
import { loadConfig } from '../dist/server/config/load.js';
import { silentLogger } from '../dist/server/log.js';
import { AgentClient } from '../dist/shared/client/agent-client.js';
import { sessionUrl } from '../dist/shared/pairing-link.js';
import { openClientSession } from '../dist/shared/session/client-session.js';
import { generateIdentity } from '../dist/shared/session/keys.js';
import { openTransport } from './connect.mjs';
import { latencyRows, round } from './stats.mjs';

export async function sessionLatency() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-'));
  const file = path.join(dir, 'lifeline.yaml');
  writeFileSync(file, 'listen: { host: 127.0.0.1, port: 0 }\n');
  const agent = await createAgent({ loaded: loadConfig(file), log: silentLogger, port: 0 });
  const url = await agent.listen();
  try {
    const { identity } = await generateIdentity(false);
    const { code } = agent.pairing.create(null);
    const wsUrl = sessionUrl(url, agent.homeId);
    const first = await openClientSession(await openTransport(wsUrl), {
      homeId: agent.homeId,
      device: identity,
      client: { kind: 'ctl', version: 'bench' },
      pair: { code, name: 'bench' },
    });
    const agentKey = first.agentKey;
    first.close();

    const handshakes = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      const s = await openClientSession(await openTransport(wsUrl), {
        homeId: agent.homeId,
        pinnedAgentKey: agentKey,
        device: identity,
        client: { kind: 'ctl', version: 'bench' },
      });
      handshakes.push(performance.now() - t0);
      s.close();
    }

    const session = await openClientSession(await openTransport(wsUrl), {
      homeId: agent.homeId,
      pinnedAgentKey: agentKey,
      device: identity,
      client: { kind: 'ctl', version: 'bench' },
    });
    const client = new AgentClient(session);
    await client.ready();
    const commands = [];
    for (let i = 0; i < 500; i++) {
      const t0 = performance.now();
      const r = await client.command('devices.rename', {
        target: identity.id,
        args: { name: `bench ${i % 10}` },
      });
      if (r.status !== 'ok') throw new Error(`command failed: ${JSON.stringify(r)}`);
      commands.push(performance.now() - t0);
    }
    client.close();
    return [
      ...latencyRows('handshake (connect → welcome)', handshakes),
      ...latencyRows('audited command round trip, direct', commands),
      {
        metric: 'RSS of agent + bench client (one process)',
        value: round(process.memoryUsage().rss / 1048576, 1),
        unit: 'MiB',
      },
    ];
  } finally {
    await agent.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
