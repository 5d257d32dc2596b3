// The command line's own start-up, end to end as a user sees it: `lifeline --help`, and
// `lifeline ctl status` against a running agent on loopback (a paired terminal: handshake, snapshot,
// print), each against bare `node -e 0` on the same machine in the same run.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { percentile, round } from './stats.mjs';

const root = new URL('..', import.meta.url).pathname;
const bin = path.join(root, 'bin/lifeline.js');
const RUNS = 15;

function timeRuns(args, env) {
  const ms = [];
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    execFileSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'ignore'] });
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return ms;
}

export async function cliBench() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-cli-'));
  const env = { ...process.env, LIFELINE_LOG: 'silent', LIFELINE_CTL_HOME: path.join(dir, 'ctl') };
  const file = path.join(dir, 'lifeline.yaml');
  writeFileSync(file, 'listen: { host: 127.0.0.1, port: 0 }\n');
  const agent = spawn(process.execPath, [bin, 'start', '-c', file], {
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    await new Promise((resolve, reject) => {
      let out = '';
      agent.stdout.on('data', (d) => {
        out += d;
        if (/Lifeline is running/.test(out)) resolve();
      });
      agent.once('exit', (code) => reject(new Error(`agent exited with ${code}`)));
    });
    // The agent prints no pairing link to a pipe (links go to terminals, not logs): ask for one.
    const paired = execFileSync(process.execPath, [bin, 'pair', '-c', file], { env, encoding: 'utf8' });
    const link = /(http:\/\/\S+#\/pair\/\S+)/.exec(paired)?.[1];
    if (link === undefined) throw new Error(`lifeline pair printed no link: ${paired}`);
    execFileSync(process.execPath, [bin, 'ctl', 'pair', link], { env, stdio: 'ignore' });
    const bare = timeRuns(['-e', '0'], env);
    const help = timeRuns([bin, '--help'], env);
    const status = timeRuns([bin, 'ctl', 'status'], env);
    const p50 = (xs) => percentile(xs, 50);
    return [
      { metric: 'node -e 0', value: round(p50(bare), 0), unit: 'ms (p50)' },
      { metric: 'lifeline --help', value: round(p50(help), 0), unit: 'ms (p50)' },
      { metric: 'lifeline --help / node -e 0', value: round(p50(help) / p50(bare), 1), unit: '×' },
      {
        metric: 'lifeline ctl status, end to end on loopback',
        value: round(p50(status), 0),
        unit: 'ms (p50)',
      },
      { metric: 'lifeline ctl status, p99', value: round(percentile(status, 99), 0), unit: 'ms' },
      { metric: 'lifeline ctl status / node -e 0', value: round(p50(status) / p50(bare), 1), unit: '×' },
    ];
  } finally {
    agent.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}
