// Opens a session from the terminal, over a `ws` WebSocket, to the agent or through a relay.
import WebSocket from 'ws';
import { AgentClient } from '../../../shared/client/agent-client.js';
import { sessionUrl } from '../../../shared/pairing-link.js';
import { type ClientSessionOptions, openClientSession } from '../../../shared/session/client-session.js';
import { SessionError } from '../../../shared/session/errors.js';
import { VERSION } from '../../version.js';
import { wsTransport } from '../../ws-transport.js';
import { CliError } from '../errors.js';

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
        new CliError(
          `cannot reach ${url}: ${err.code === 'ECONNREFUSED' ? 'connection refused (is the agent running?)' : err.message}`,
        ),
      ),
    );
    socket.once('unexpected-response', (_req, res) =>
      reject(new CliError(`cannot open a session at ${url}: HTTP ${res.statusCode}`)),
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
    if (err instanceof SessionError) throw new CliError(`${describeRefusal(err)}`);
    throw err;
  }
}

function describeRefusal(err: SessionError): string {
  switch (err.code) {
    case 'not-paired':
    case 'revoked':
    case 'pairing-code-invalid':
    case 'pairing-rate-limited':
    case 'busy':
    case 'rate-limited':
      return `the agent refused: ${err.message}`;
    case 'wrong-home':
    case 'agent-key-mismatch':
    case 'bad-signature':
      return `refusing to talk to this agent: ${err.message}`;
    default:
      return `session failed: ${err.message}`;
  }
}
