// After a crash or a power cut the Activity log must say so — "stopped uncleanly around HH:MM,
// down for N" — rather than only "The agent started"; after a clean stop it must not.

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../harness/cli.js';
import { tempDir } from '../../../harness/temp.js';
import { startAgentCli, stopAgent } from '../../../harness/unclean-stop.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

function events(db: string, kind: string): { message: string; data: string }[] {
  const d = new Database(db, { readonly: true });
  try {
    return d.prepare('SELECT message, data FROM events WHERE kind = ? ORDER BY id').all(kind) as {
      message: string;
      data: string;
    }[];
  } finally {
    d.close();
  }
}

describe('an agent start that follows no clean stop', () => {
  it('is told as an unclean stop with its time and downtime; a clean stop is not', async () => {
    const port = await freePort();
    const config = path.join(tmp.dir, 'lifeline.yaml');
    const data = path.join(tmp.dir, 'data');
    writeFileSync(
      config,
      `home: { name: Test home }\nlisten: { host: 127.0.0.1, port: ${port} }\ndata: ${data}\n`,
    );
    const db = path.join(data, 'lifeline.db');

    const first = await startAgentCli(config);
    const aliveAt = Date.now();
    await stopAgent(first, 'crash');
    await new Promise((r) => setTimeout(r, 1500));
    const second = await startAgentCli(config);
    await stopAgent(second, 'clean');
    const unclean = events(db, 'agent.unclean-stop');
    expect(unclean).toHaveLength(1);
    expect(unclean[0]!.message).toMatch(
      /^The agent stopped uncleanly around .+ — power cut\? It was down for about \d+ s\.$/,
    );
    const facts = JSON.parse(unclean[0]!.data) as { lastAliveAt: number; downMs: number };
    expect(Math.abs(facts.lastAliveAt - aliveAt)).toBeLessThan(10_000);
    expect(facts.downMs).toBeGreaterThanOrEqual(1000);

    // The second run stopped cleanly: the third start adds no such entry.
    const third = await startAgentCli(config);
    await stopAgent(third, 'clean');
    expect(events(db, 'agent.unclean-stop')).toHaveLength(1);
  }, 90_000);
});
