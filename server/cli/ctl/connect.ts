// Opens a session from the terminal, over a `ws` WebSocket, to the agent or through a relay; with
// a standby relay, through whichever of the two answers (connectFirst).
import WebSocket from 'ws';
import { AgentClient } from '../../../shared/client/agent-client.js';
import { sessionUrl } from '../../../shared/pairing-link.js';
import { type ClientSessionOptions, openClientSession } from '../../../shared/session/client-session.js';
import { SessionError } from '../../../shared/session/errors.js';
import { VERSION } from '../../version.js';
import { wsTransport } from '../../ws-transport.js';
import { CliError } from '../errors.js';

/** Home could not be reached at that address (nothing answered, or the relay has no link to home): another may do. */
class Unreachable extends CliError {}

/**
 * Tries each base in turn (the paired address, then the standby relay), moving on only when one
 * cannot reach home; a refusal from home itself (not paired, revoked, a wrong key) ends the search.
 */
export async function connectFirst(
  bases: readonly string[],
  opts: Omit<ClientSessionOptions, 'client'>,
): Promise<{ client: AgentClient; base: string }> {
  const failures: string[] = [];
  for (const base of bases) {
    try {
      return { client: await connectSession(base, opts), base };
    } catch (err) {
      if (!(err instanceof Unreachable) || bases.length === 1) throw err;
      failures.push(err.message);
    }
  }
  throw new CliError(failures.join('; '));
}

export async function connectSession(
  base: string,
  opts: Omit<ClientSessionOptions, 'client'>,
): Promise<AgentClient> {
  const url = sessionUrl(base, opts.homeId);
  const socket = new WebSocket(url, { handshakeTimeout: 10_000, maxPayload: 4 * 1024 * 1024 });
  // Attach before 'open': a relay may answer (e.g. "home is offline") in the same packet as the upgrade.
  const transport = wsTransport(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new Unreachable(
          `cannot reach ${url}: ${err.code === 'ECONNREFUSED' ? 'connection refused (is the agent running?)' : err.message}`,
        ),
      ),
    );
    socket.once('unexpected-response', (_req, res) =>
      reject(new Unreachable(`cannot open a session at ${url}: HTTP ${res.statusCode}`)),
    );
  });
  try {
    const session = await openClientSession(transport, {
      ...opts,
      client: { kind: 'ctl', version: VERSION },
    });
    const client = new AgentClient(session);
    await client.ready();
    return client;
  } catch (err) {
    socket.terminate();
    if (err instanceof SessionError)
      throw new (ELSEWHERE.has(err.code) ? Unreachable : CliError)(`${describeRefusal(err)}`);
    throw err;
  }
}

// What the way in says, not home: a relay without a link to home says so ('home-offline') or
// closes the session ('closed'); one that does not serve this home says 'unknown-home'. The
// standby relay may still reach home.
const ELSEWHERE: ReadonlySet<string> = new Set([
  'closed',
  'timeout',
  'busy',
  'rate-limited',
  'home-offline',
  'unknown-home',
]);

function describeRefusal(err: SessionError): string {
  switch (err.code) {
    case 'not-paired':
    case 'revoked':
    case 'pairing-code-invalid':
    case 'pairing-rate-limited':
    case 'busy':
    case 'rate-limited':
      return `the agent refused: ${err.message}`;
    case 'home-offline':
    case 'unknown-home':
      return `the relay says: ${err.message}`;
    case 'wrong-home':
    case 'agent-key-mismatch':
    case 'bad-signature':
      return `refusing to talk to this agent: ${err.message}`;
    default:
      return `session failed: ${err.message}`;
  }
}
