// The agent and the relay keep every record in SQLite through better-sqlite3, whose prepared statements
// the garbage collector frees. Compiled against Node 24.19 or later headers, better-sqlite3 12 frees
// them through a node::ObjectWrap that aborts the whole process when that collection runs between two
// events, outside JavaScript (nodejs/node#65446): an agent that dies at random, every few minutes. This
// churns statements while the heap grows, which brings such a collection within a fraction of a second,
// on whichever Node runs the suite (npm test, npm run test:node24), with the addon built for it.
import { execFile } from 'node:child_process';
import { expect, it } from 'vitest';
import { REPO } from '../../scripts/node24/addon.mjs';

const CHURN = `
const Database = require('better-sqlite3');
const db = new Database(':memory:');
const live = [];
let prepared = 0;
const churn = setInterval(() => {
  for (let i = 0; i < 20; i++) db.prepare('select ' + prepared++);
  live.push(new Array(20000).fill(prepared).map(String));
  if (live.length > 400) live.splice(0, 200);
}, 1);
setTimeout(() => { clearInterval(churn); db.close(); console.log('prepared ' + prepared); }, 3000);
`;

it('lives through the garbage collection of thousands of prepared statements between events', async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve) => {
      execFile(process.execPath, ['-e', CHURN], { cwd: REPO, timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
      );
    },
  );
  expect(stderr).not.toContain('Assertion failed');
  expect(code).toBe(0);
  expect(Number(stdout.match(/^prepared (\d+)/)?.[1])).toBeGreaterThan(1000);
});
