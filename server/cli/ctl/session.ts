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
  const [{ loadProfile, saveProfile }, { connectFirst }, { httpBase }, { fromBase64Url }] = await Promise.all(
    [
      import('./profile.js'),
      import('./connect.js'),
      import('../../../shared/pairing-link.js'),
      import('../../../shared/bytes.js'),
    ],
  );
  const { profile, identity, agentKey } = await loadProfile(opts.profile);
  // An address given on the command line is the only one tried; else the paired one, then the standby.
  const bases = opts.url ? [opts.url] : [profile.url, ...(profile.standby ? [profile.standby] : [])];
  const { client, base } = await connectFirst(bases, {
    homeId: profile.homeId,
    pinnedAgentKey: agentKey,
    device: identity,
    passKey: profile.pass ? fromBase64Url(profile.pass) : undefined,
  });
  // Home says which standby relay it links to: a profile paired before it was added learns it here.
  const said = client.get('relay', 'standby')?.url;
  const standby = said ? httpBase(said) : undefined;
  const learned = { ...profile };
  if (!opts.url && standby && standby !== profile.standby && standby !== profile.url)
    learned.standby = standby;
  // And the admission-pass key for the next hellos (a profile paired before passes existed learns it).
  const pass = client.welcome.pass;
  if (pass && pass !== profile.pass) learned.pass = pass;
  if (learned.standby !== profile.standby || learned.pass !== profile.pass)
    saveProfile(opts.profile, learned);
  try {
    return await fn(client, base);
  } finally {
    client.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
