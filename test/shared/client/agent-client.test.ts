// AgentClient over a session whose connection drops at a chosen moment. The session is the small
// interface the client is built on; a stand-in lets the test pick the exact moment of the drop.
import { afterAll, afterEach, expect, it } from 'vitest';
import { AgentClient } from '../../../shared/client/agent-client.js';
import type { ClientSession } from '../../../shared/session/client-session.js';
import { SessionError } from '../../../shared/session/errors.js';

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
process.on('unhandledRejection', onUnhandled);
afterEach(() => {
  unhandled.length = 0;
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

// Seen in the power-cut test: the agent dies while a command's frame is being sealed (WebCrypto,
// a later tick), and the pending outcome was rejected before anyone held it.
it('a command cut off while being sent rejects for its caller, never as an unhandled rejection', async () => {
  let sealed!: () => void;
  const session = {
    onFrame: undefined,
    onClose: undefined as ((e: SessionError | null) => void) | undefined,
    isClosed: false,
    start() {},
    send: () => new Promise<void>((r) => (sealed = r)),
  };
  const client = new AgentClient(session as unknown as ClientSession);
  const outcome = client.command('device.rename', { target: 'd1', args: { name: 'x' } });
  session.onClose!(new SessionError('closed', 'closed (1006)'));
  await new Promise((r) => setTimeout(r, 20)); // a full turn: where Node reports unhandled rejections
  sealed();
  await expect(outcome).rejects.toThrow('closed (1006)');
  expect(unhandled).toEqual([]);
});

/** A session that takes frames and answers none: what an agent older than the cancel frame does with one. */
function silentSession(send: () => Promise<void> = async () => {}) {
  return {
    onFrame: undefined,
    onClose: undefined as ((e: SessionError | null) => void) | undefined,
    isClosed: false,
    sent: [] as unknown[],
    start() {},
    send(frame: unknown) {
      this.sent.push(frame);
      return send();
    },
  };
}

it('a cancel the agent never answers settles as unanswered, in its own frame type', async () => {
  const session = silentSession();
  const client = new AgentClient(session as unknown as ClientSession);
  expect(await client.cancel('ch-1', 30)).toEqual({ status: 'unanswered' });
  expect(session.sent).toEqual([{ t: 'cancel', id: expect.any(String), challenge: 'ch-1' }]);
});

it('a cancel that cannot be sent, or is cut off by the session closing, settles without throwing', async () => {
  const broken = new AgentClient(
    silentSession(() => Promise.reject(new Error('socket gone'))) as unknown as ClientSession,
  );
  expect(await broken.cancel('ch-2', 10_000)).toEqual({ status: 'unanswered' });
  const session = silentSession();
  const client = new AgentClient(session as unknown as ClientSession);
  const outcome = client.cancel('ch-3', 10_000);
  await new Promise((r) => setTimeout(r, 5));
  session.onClose!(new SessionError('closed', 'closed (1006)'));
  expect(await outcome).toEqual({ status: 'unanswered' });
  expect(unhandled).toEqual([]);
});
