// `lifeline check`: validates the config and probes every dependency, printing a readiness table.
// Exit 1 if anything is broken, so it can gate a deploy or a cron alert.
import { accessSync, constants, statSync } from 'node:fs';
import { createAgent } from '../agent/agent.js';
import type { CheckRow } from '../agent/capability.js';
import { relayLinkNote } from '../config/public-url.js';
import { silentLogger } from '../log.js';
import { configPath, loadOrFail } from './config-file.js';
import { printJson } from './ctl/session.js';
import { table } from './format.js';

const MARK = { ok: '✓', warn: '!', fail: '✗' } as const;

export async function runCheck(opts: { config?: string; json?: boolean }): Promise<number> {
  const file = configPath(opts.config);
  const loaded = loadOrFail(file);
  const { config, dataDir } = loaded;
  const rows: CheckRow[] = [
    {
      name: 'config',
      status: 'ok',
      detail: `${file} (${config.machines.length} machines, ${config.containers.length} Docker engines, ${config.power.length} plugs)${loaded.warnings.length > 0 ? `; earlier key names: ${loaded.warnings.length}` : ''}`,
    },
  ];
  let agent: Awaited<ReturnType<typeof createAgent>>;
  try {
    agent = await createAgent({ loaded, log: silentLogger });
  } catch (err) {
    // The data folder cannot be made or opened, the key or the database is unusable: a row of the
    // table (and of --json) like any other failure, not a bare error line.
    rows.push({ name: 'data folder', status: 'fail', detail: (err as Error).message });
    return report(rows, opts);
  }
  try {
    const mode = statSync(dataDir).mode & 0o777;
    accessSync(dataDir, constants.W_OK);
    rows.push({
      name: 'data folder',
      status: mode === 0o700 ? 'ok' : 'warn',
      detail: `${dataDir} (mode ${mode.toString(8)}${mode === 0o700 ? '' : ', expected 700'})`,
    });
    rows.push({ name: 'agent key', status: 'ok', detail: `home id ${agent.homeId}` });
    // The words `lifeline pair` prints under such a link.
    const note = relayLinkNote(config, agent.publicUrl());
    if (note) rows.push({ name: 'pairing link', status: 'warn', detail: note });
    rows.push(...(await agent.check()));
  } finally {
    await agent.close();
  }
  return report(rows, opts);
}

function report(rows: CheckRow[], opts: { json?: boolean }): number {
  const failed = rows.some((r) => r.status === 'fail');
  if (opts.json) printJson({ ok: !failed, checks: rows });
  else process.stdout.write(`${table(rows.map((r) => [MARK[r.status], r.name, r.detail]))}\n`);
  return failed ? 1 : 0;
}
