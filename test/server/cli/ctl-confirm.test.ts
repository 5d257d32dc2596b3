// `lifeline ctl`'s confirmation prompt on a real terminal (a pseudo-terminal through `script`),
// against a real agent: a "no" or Ctrl-C tells the agent, which audits the request as cancelled
// rather than letting it expire as "not confirmed in time". Nothing runs, and the exit code is 1.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditRepo } from '../../../server/store/audit-repo.js';
import type { TestAgent } from '../../harness/agent.js';
import { runCli, startCli } from '../../harness/cli.js';
import { type LampHome, startLampHome } from '../../harness/lamp-home.js';
import { tempDir } from '../../harness/temp.js';
import type { TasmotaSim } from '../../simulators/tasmota.js';

const tmp = tempDir();
const env = { LIFELINE_CTL_HOME: path.join(tmp.dir, 'ctl') };
let home: LampHome;
let t: TestAgent;
let lamp: TasmotaSim;

beforeAll(async () => {
  home = await startLampHome();
  ({ t, lamp } = home);
  const { link } = t.agent.pairing.link(t.url, t.agent.homeId, null);
  expect((await runCli(['ctl', 'pair', link, '--name', 'terminal'], { env })).code).toBe(0);
}, 30_000);

afterAll(async () => {
  await home?.close();
  tmp.remove();
});

/** The resolution of the newest request to switch the lamp off, as the agent recorded it. */
const lastAsk = () =>
  new AuditRepo(t.agent.db)
    .list({ limit: 50 })
    .find((a) => a.action === 'power.off' && a.decision === 'confirm-required');

/** Runs `ctl power lamp off` on a terminal, answers its prompt with `keys`, and waits for the exit. */
async function answer(keys: string): Promise<{ code: number | null; output: string }> {
  const run = await startCli(['ctl', 'power', 'lamp', 'off'], /Proceed\? \[y\/N\]/, { env, tty: true });
  const exited = new Promise<number | null>((resolve) => run.child.once('exit', (code) => resolve(code)));
  run.child.stdin!.write(keys);
  const code = await exited;
  return { code, output: run.output() };
}

describe('ctl confirmation prompt', () => {
  it('answered "n": the agent audits the request as cancelled, nothing runs, exit 1', async () => {
    const r = await answer('n\r');
    expect(r.output).toContain('not confirmed; nothing was done');
    expect(r.code).toBe(1);
    expect(lastAsk()).toMatchObject({ resolution: 'cancelled', outcome: 'refused' });
    expect(lamp.relay.on).toBe(true);
    const log = await runCli(['ctl', 'log'], { env });
    expect(log.stdout).toMatch(/power\.off lamp\s+terminal · confirm-required · cancelled/);
  });

  it('left with Ctrl-C: cancelled too, exit 1 as before', async () => {
    const before = lastAsk()?.id;
    const r = await answer('\x03');
    expect(r.output).toContain('not confirmed (Ctrl-C); nothing was done');
    expect(r.code).toBe(1);
    const ask = lastAsk()!;
    expect(ask.id).not.toBe(before);
    expect(ask).toMatchObject({ resolution: 'cancelled' });
    expect(lamp.relay.on).toBe(true);
  });
});
