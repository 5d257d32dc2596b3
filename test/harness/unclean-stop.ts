// Stopping the real `lifeline start` process the two ways the unclean-shutdown detection must tell
// apart: a crash (SIGKILL: no handler runs, nothing is flushed or marked) and a clean stop (SIGTERM:
// the agent's own shutdown path runs to its end). A power cut is test/harness/lossy-fs/.
import type { ChildProcess } from 'node:child_process';
import { startCli } from './cli.js';

export type StopKind = 'crash' | 'clean';

export interface CliAgent {
  child: ChildProcess;
  output: () => string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `lifeline start -c <config>`, resolved once it says it is running. */
export function startAgentCli(config: string, env: NodeJS.ProcessEnv = {}): Promise<CliAgent> {
  return startCli(['start', '-c', config], /Lifeline is running/, { env, timeoutMs: 30_000 });
}

/** Stops the agent as a crash or as a clean stop, and waits for the process to be gone. */
export function stopAgent(agent: CliAgent, how: StopKind, timeoutMs = 15_000): Promise<Exit> {
  const { child } = agent;
  return new Promise((resolve, reject) => {
    if (child.exitCode !== null || child.signalCode !== null)
      return resolve({ code: child.exitCode, signal: child.signalCode });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the agent did not stop within ${timeoutMs} ms of SIGTERM:\n${agent.output()}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
    child.kill(how === 'crash' ? 'SIGKILL' : 'SIGTERM');
  });
}

/** Stops the agent one way or the other and starts it again on the same config and data. */
export async function restartAgent(
  agent: CliAgent,
  config: string,
  how: StopKind,
  env: NodeJS.ProcessEnv = {},
): Promise<{ exit: Exit; agent: CliAgent }> {
  const exit = await stopAgent(agent, how);
  if (how === 'clean' && (exit.code !== 0 || exit.signal !== null))
    throw new Error(`a clean stop ended with code ${exit.code}, signal ${exit.signal}:\n${agent.output()}`);
  return { exit, agent: await startAgentCli(config, env) };
}
