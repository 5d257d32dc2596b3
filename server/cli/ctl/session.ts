// Shared plumbing of every `ctl` subcommand: open the profile's session, run, close.
import type { AgentClient } from '../../../shared/client/agent-client.js';
import { connectSession } from './connect.js';
import { loadProfile } from './profile.js';

export interface CtlGlobalOptions {
  profile: string;
  url?: string;
  json?: boolean;
}

export async function withSession<T>(
  opts: CtlGlobalOptions,
  fn: (client: AgentClient, base: string) => Promise<T>,
): Promise<T> {
  const { profile, identity, agentKey } = await loadProfile(opts.profile);
  const base = opts.url ?? profile.url;
  const client = await connectSession(base, {
    homeId: profile.homeId,
    pinnedAgentKey: agentKey,
    device: identity,
  });
  try {
    return await fn(client, base);
  } finally {
    client.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
