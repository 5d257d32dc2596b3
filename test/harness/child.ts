// Ending a child process a test started, and waiting until it is gone.
import type { ChildProcess } from 'node:child_process';

/**
 * Sends `signal` and resolves once the child has exited — at once if it already has, by an exit
 * code or a signal (a child that died by a signal has no exit code, and its 'exit' has passed).
 */
export function killAndWait(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
