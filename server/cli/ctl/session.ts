// Shared plumbing of every `ctl` subcommand: open the profile's session, run, close.
// The session code (WebSocket, crypto, the profile's key) loads when a command runs, not when the
// command line is parsed.
import type { AgentClient } from '../../../shared/client/agent-client.js';

export interface CtlGlobalOptions {
  profile: string;
  url?: string;
  json?: boolean;
}

export async function withSession<T>(
  opts: CtlGlobalOptions,
  fn: (client: AgentClient, base: string) => Promise<T>,
): Promise<T> {
  const [{ loadProfile }, { connectSession }] = await Promise.all([
    import('./profile.js'),
    import('./connect.js'),
  ]);
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
