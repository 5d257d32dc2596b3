// One running agent per data folder. A second `lifeline start` or `lifeline agent` on the same folder
// would attach to the same Docker engines and plugs, rewrite the first one's run record (so the
// first's next clean restart was reported as a crash) and only then fail on the port in use.
// `lifeline pair` and `lifeline check` do not take the lock: they read and write beside a running agent.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { LifelineError } from '../../shared/protocol/errors.js';

const LOCK_FILE = 'agent.pid';

/** Whether `pid` is a running Lifeline (another process: the same pid is a stale file from a container). */
function aliveLifeline(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // A pid reused by something else after a crash is not a Lifeline.
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('lifeline');
  } catch {
    return true; // no /proc to ask: believe the file
  }
}

/**
 * Takes the data folder for this process, or throws naming the process that holds it. Returns the
 * release (also done at exit). A file left by a process that died is taken over.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (aliveLifeline(pid))
        throw new LifelineError(
          'refused',
          `another Lifeline (pid ${pid}) is running on ${dataDir}; stop it first (if none is, remove ${file})`,
        );
      rmSync(file, { force: true });
    }
  }
  const release = () => {
    process.off('exit', release);
    try {
      if (Number(readFileSync(file, 'utf8').trim()) === process.pid) rmSync(file, { force: true });
    } catch {}
  };
  process.on('exit', release);
  return release;
}
