// Shared set-up for agent-level plug tests: a real agent whose config points at simulators,
// a paired device talking to it through a real encrypted session, and small helpers.
import type { AgentClient } from '../../../../shared/client/agent-client.js';
import type { EventRecord } from '../../../../shared/protocol/frames.js';
import type { PlugInfo } from '../../../../shared/protocol/power.js';
import { pairDevice, startTestAgent, type TestAgent, waitFor } from '../../../harness/agent.js';

export async function startPlugAgent(
  plugs: Record<string, unknown>[],
): Promise<{ t: TestAgent; client: AgentClient; close(): Promise<void> }> {
  const yaml = JSON.stringify({
    home: { name: 'Test home' },
    listen: { host: '127.0.0.1', port: 0 },
    power: plugs.map((p) => ({ pollSeconds: 1, timeoutSeconds: 1, bootSeconds: 5, ...p })),
  });
  const t = await startTestAgent({ yaml });
  const { client } = await pairDevice(t);
  return {
    t,
    client,
    async close() {
      client.close();
      await t.close();
    },
  };
}

export const plugOf = (t: TestAgent, id: string) => t.agent.state.get('power', id) as PlugInfo | undefined;

export function eventsOf(t: TestAgent, kind: string): EventRecord[] {
  return t.agent.events.list({ limit: 500, kind });
}

export async function until<T>(fn: () => T | undefined | false, what: string, ms = 20_000): Promise<T> {
  return waitFor(fn, ms, what);
}
