// Power cut: the agent's data folder sits on lossy-fs (test/harness/lossy-fs), a filesystem that
// loses every write not fsynced when the power goes. power-loss.test.ts kills the agent with
// SIGKILL, which the OS page cache survives, so it passes even with synchronous=OFF; this one does
// not. After each cut at a random moment: SQLite's integrity check is ok, every audit entry whose
// result the client received is there, and the agent starts again on the same data and identity.
// LIFELINE_LONG=1 runs 100 cuts; `npm test` runs a few.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../../shared/client/agent-client.js';
import { parsePairingLink, sessionUrl } from '../../shared/pairing-link.js';
import { DevicesRename } from '../../shared/protocol/devices.js';
import { openClientSession } from '../../shared/session/client-session.js';
import { generateIdentity, type Identity } from '../../shared/session/keys.js';
import { openSocket } from '../harness/agent.js';
import { freePort, runCli } from '../harness/cli.js';
import { type CutKind, type LossyFs, lossyFsUnavailable, mountLossyFs } from '../harness/lossy-fs/mount.js';
import { tempDir } from '../harness/temp.js';
import { startAgentCli, stopAgent } from '../harness/unclean-stop.js';

const CUTS = process.env.LIFELINE_LONG ? 100 : 4;
const unavailable = lossyFsUnavailable();
if (unavailable) console.warn(`[power-cut] ${unavailable}`);

async function connect(
  base: string,
  homeId: string,
  device: Identity,
  opts: { pair?: { code: string; name: string }; agentKey?: Uint8Array },
): Promise<AgentClient> {
  const { transport } = await openSocket(sessionUrl(base, homeId));
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

/** What a restarted agent would find: the integrity check, and the renames audited as done. */
function readAudit(file: string): { integrity: string; done: Set<string>; running: number } {
  if (!existsSync(file)) return { integrity: `${file} is gone`, done: new Set(), running: 0 };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    const rows = db
      .prepare("SELECT args FROM audit WHERE action = 'devices.rename' AND outcome = 'ok'")
      .all() as { args: string }[];
    const running = db.prepare("SELECT COUNT(*) AS n FROM audit WHERE outcome = 'running'").get() as {
      n: number;
    };
    return {
      integrity,
      done: new Set(rows.map((r) => (JSON.parse(r.args) as { name: string }).name)),
      running: running.n,
    };
  } catch (e) {
    // A database too damaged to read is a finding like any other, reported with the counts.
    return { integrity: `unreadable: ${(e as Error).message}`, done: new Set(), running: 0 };
  } finally {
    db?.close();
  }
}

describe.skipIf(unavailable !== null)('power cut on a filesystem that loses un-fsynced writes', () => {
  let tmp: ReturnType<typeof tempDir>;
  let disk: LossyFs;
  beforeAll(async () => {
    tmp = tempDir('lifeline-powercut-');
    disk = await mountLossyFs(path.join(tmp.dir, 'disk'), path.join(tmp.dir, 'mnt'));
  });
  afterAll(async () => {
    await disk?.unmount();
    tmp?.remove();
  });

  // Without this the test below would prove nothing: a layer that kept everything passes it.
  it('loses what was not fsynced, keeps what was, and names only after a directory fsync', async () => {
    const dir = path.join(disk.mountpoint, 'self-check');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'written'), 'never fsynced');
    const fd = openSync(path.join(dir, 'synced'), 'w');
    writeSync(fd, 'fsynced');
    fsyncSync(fd);
    writeSync(fd, ', then more');
    closeSync(fd);
    const dirFd = openSync(dir, 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
    writeFileSync(path.join(dir, 'named-late'), 'created after the directory fsync');
    expect(readFileSync(path.join(dir, 'synced'), 'utf8')).toBe('fsynced, then more');

    await disk.cut();
    await disk.mount();
    expect(readFileSync(path.join(dir, 'synced'), 'utf8')).toBe('fsynced');
    // Its name was made durable by the directory fsync, its data never was: a zero-length file.
    expect(readFileSync(path.join(dir, 'written'), 'utf8')).toBe('');
    expect(existsSync(path.join(dir, 'named-late'))).toBe(false);
  });

  it('on a torn cut keeps every fsynced byte, whatever part of the rest reached the disk', async () => {
    const file = path.join(disk.mountpoint, 'self-check', 'torn');
    const fd = openSync(file, 'w');
    writeSync(fd, 'fsynced');
    fsyncSync(fd);
    writeSync(fd, `${'x'.repeat(5000)}`);
    closeSync(fd);
    const dirFd = openSync(path.dirname(file), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);

    expect(await disk.cut('tear')).toMatch(/^torn: \d+ of \d+ pending sectors/);
    await disk.mount();
    expect(readFileSync(file, 'utf8').slice(0, 7)).toBe('fsynced');
  });

  it(`keeps a sound database with every acknowledged audit entry across ${CUTS} power cuts`, async () => {
    const port = await freePort();
    const config = path.join(tmp.dir, 'lifeline.yaml');
    const dataDir = path.join(disk.mountpoint, 'data');
    writeFileSync(config, `listen: { host: 127.0.0.1, port: ${port} }\ndata: ${dataDir}\n`);
    const dbFile = path.join(dataDir, 'lifeline.db');
    const base = `http://localhost:${port}`;
    const { identity: device } = await generateIdentity(false);
    const pair = parsePairingLink(
      (JSON.parse((await runCli(['pair', '-c', config, '--json'])).stdout) as { link: string }).link,
    );
    if ('error' in pair) throw new Error(pair.error);
    let agentKey: Uint8Array | undefined;
    const acknowledged: string[] = [];

    const torn: string[] = [];
    const parity = Math.random() < 0.5 ? 0 : 1;

    for (let cut = 0; cut < CUTS; cut++) {
      // Every other cut (the first at random) is torn: part of what was not fsynced reaches the disk.
      const how: CutKind = (cut + parity) % 2 === 0 ? 'drop' : 'tear';
      // Starting again on what survived the previous cut, with the identity devices pinned.
      const agent = await startAgentCli(config);
      const client = await connect(
        base,
        pair.homeId,
        device,
        agentKey ? { agentKey } : { pair: { code: pair.code, name: 'writer' } },
      );
      agentKey ??= client.agentKey;
      let running = true;
      const writer = async (w: number) => {
        for (let n = 0; running; n++) {
          const name = `c${cut}-w${w}-${n}`;
          const r = await client.run(DevicesRename, { target: device.id, args: { name } }).catch(() => null);
          if (r?.status === 'ok') acknowledged.push(name);
          else return;
        }
      };
      const writers = [0, 1, 2, 3].map(writer);
      await new Promise((r) => setTimeout(r, 50 + Math.random() * 1500));
      // The layer dies first: any answer the client still receives was for a write it had synced.
      const power = disk.cut(how);
      agent.child.kill('SIGKILL');
      const [summary] = await Promise.all([power, stopAgent(agent, 'crash')]);
      if (how === 'tear') torn.push(summary);
      running = false;
      await Promise.all(writers);

      await disk.mount();
      const after = readAudit(dbFile);
      const missing = acknowledged.filter((name) => !after.done.has(name));
      expect(
        { integrity: after.integrity, lost: missing.length },
        `cut ${cut} (${how}): ${missing.length} of ${acknowledged.length} acknowledged audit entries lost (first: ${missing[0]})`,
      ).toEqual({ integrity: 'ok', lost: 0 });
    }
    expect(acknowledged.length).toBeGreaterThan(CUTS * 5);

    // After the last cut the agent still starts, with the same identity, and closes what was cut off.
    const agent = await startAgentCli(config);
    const client = await connect(base, pair.homeId, device, { agentKey: agentKey! });
    expect((await client.run(DevicesRename, { target: device.id, args: { name: 'after' } })).status).toBe(
      'ok',
    );
    expect((await stopAgent(agent, 'clean')).code).toBe(0);
    expect(readAudit(dbFile).running).toBe(0);
    console.info(
      `[power-cut] ${CUTS} cuts (${torn.length} torn), ${acknowledged.length} acknowledged writes, none lost; torn cuts:\n  ${torn.join('\n  ')}`,
    );
  }, 1_800_000);
});
