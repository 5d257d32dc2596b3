// A peer that is not a well-behaved upsd: garbage, endless lines, half lines, replies out of step.
// The client answers each with a clear error, holds no more than its limits, and recovers.
import { createServer, type Server, Socket, type Socket as TcpSocket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NutClient, type NutClientOptions } from '../../../../server/agent/ups/nut-client.js';
import { LifelineError } from '../../../../shared/protocol/errors.js';

/** Answers each command line with what `reply` returns (written raw), or nothing. */
interface Peer {
  port: number;
  commands: string[];
  closedByClient: number;
  reply: (command: string, socket: TcpSocket) => void;
  close(): Promise<void>;
}

let peer: Peer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

async function startPeer(reply: Peer['reply']): Promise<Peer> {
  const sockets = new Set<TcpSocket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => {
      sockets.delete(s);
      p.closedByClient++;
    });
    let buf = '';
    s.on('data', (d) => {
      buf += d.toString('latin1');
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        p.commands.push(line);
        p.reply(line, s);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const p: Peer = {
    port: (server.address() as { port: number }).port,
    commands: [],
    closedByClient: 0,
    reply,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
  return p;
}

const client = (port: number, extra: Partial<NutClientOptions> = {}) =>
  new NutClient({
    host: '127.0.0.1',
    port,
    replyTimeoutMs: 500,
    connectTimeoutMs: 500,
    maxLineBytes: 1024,
    maxReplyBytes: 64 * 1024,
    ...extra,
  });

async function failure(p: Promise<unknown>): Promise<LifelineError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LifelineError);
  return err as LifelineError;
}

const goodList = 'BEGIN LIST VAR u\nVAR u ups.status "OL"\nEND LIST VAR u\n';

describe('NutClient against a hostile peer', () => {
  it('reads values with quotes and backslashes as upsd escapes them', async () => {
    peer = await startPeer((_c, s) =>
      s.write(
        'BEGIN LIST VAR u\nVAR u ups.model "Back \\"UPS\\" \\\\ 700"\nVAR u ups.status "OB LB"\nEND LIST VAR u\n',
      ),
    );
    const c = client(peer.port);
    expect(await c.listVars('u')).toEqual({ 'ups.model': 'Back "UPS" \\ 700', 'ups.status': 'OB LB' });
    await c.close();
  });

  it('refuses binary garbage as not NUT, then works once the peer behaves', async () => {
    let garbage = true;
    peer = await startPeer((_c, s) =>
      s.write(garbage ? Buffer.from([0x16, 0x03, 0x01, 0xff, 0x00, 0x0a]) : goodList),
    );
    const c = client(peer.port);
    const err = await failure(c.listVars('u'));
    expect(err.params?.reason).toBe('bad-reply');
    expect(err.message).toContain('does not speak the NUT protocol');
    garbage = false;
    expect(await c.listVars('u')).toEqual({ 'ups.status': 'OL' });
    await c.close();
  });

  it('gives up on a line that never ends, without buffering it', async () => {
    peer = await startPeer((_c, s) => {
      const chunk = Buffer.alloc(16 * 1024, 0x41);
      const pump = () => {
        while (!s.destroyed && s.write(chunk));
        if (!s.destroyed) s.once('drain', pump);
      };
      pump();
    });
    const c = client(peer.port);
    const err = await failure(c.listVars('u'));
    expect(err.params?.reason).toBe('too-long');
    expect(err.message).toContain('a line over 1024 bytes');
    await c.close();
  });

  it('gives up on a list that never ends', async () => {
    peer = await startPeer((_c, s) => {
      s.write('BEGIN LIST VAR u\n');
      const rows = 'VAR u x.y "1"\n'.repeat(1000);
      const pump = () => {
        while (!s.destroyed && s.write(rows));
        if (!s.destroyed) s.once('drain', pump);
      };
      pump();
    });
    const c = client(peer.port);
    const err = await failure(c.listVars('u'));
    expect(err.params?.reason).toBe('too-long');
    await c.close();
  });

  it('times out on half a line followed by silence', async () => {
    peer = await startPeer((_c, s) => s.write('BEGIN LIST VAR u\nVAR u ups.sta'));
    const c = client(peer.port);
    const err = await failure(c.listVars('u'));
    expect(err.code).toBe('timeout');
    expect(err.message).toContain('did not answer in time');
    await c.close();
  });

  it('refuses a reply about another UPS or an unfinished quote', async () => {
    const replies = [
      'BEGIN LIST VAR u\nVAR other ups.status "OL"\nEND LIST VAR u\n',
      'VAR u ups.status "OL\n',
      'OK\n',
    ];
    peer = await startPeer((_c, s) => s.write(replies.shift() ?? goodList));
    const c = client(peer.port);
    expect((await failure(c.listVars('u'))).params?.reason).toBe('bad-reply');
    expect((await failure(c.getVar('u', 'ups.status'))).params?.reason).toBe('bad-reply');
    expect((await failure(c.getVar('u', 'ups.status'))).params?.reason).toBe('bad-reply');
    expect(await c.listVars('u')).toEqual({ 'ups.status': 'OL' });
    await c.close();
  });

  it('drops a connection whose peer speaks unasked', async () => {
    peer = await startPeer((_c, s) => {
      s.write(goodList);
      setTimeout(() => s.write('OK\n'), 20);
    });
    const c = client(peer.port);
    await c.listVars('u');
    await new Promise((r) => setTimeout(r, 100));
    // The out-of-step connection was closed; the next read opens a fresh one.
    expect(peer.closedByClient).toBe(1);
    expect(await c.listVars('u')).toEqual({ 'ups.status': 'OL' });
    await c.close();
  });

  it('retries once, on a fresh connection, a read that meets an idle-timeout drop', async () => {
    // As upsd shedding an idle client just as the next poll is written: the second command on a
    // connection finds it closed, unanswered.
    const served = new WeakMap<TcpSocket, number>();
    peer = await startPeer((_c, s) => {
      const n = served.get(s) ?? 0;
      served.set(s, n + 1);
      if (n === 0) s.write(goodList);
      else s.destroy();
    });
    const c = client(peer.port);
    await c.listVars('u');
    expect(await c.listVars('u')).toEqual({ 'ups.status': 'OL' });
    expect(peer.commands).toEqual(['LIST VAR u', 'LIST VAR u', 'LIST VAR u']);
    await c.close();
  });

  it('says the connection closed when the peer hangs up on every request', async () => {
    peer = await startPeer((_c, s) => s.destroy());
    const c = client(peer.port);
    const err = await failure(c.listVars('u'));
    expect(err.code).toBe('unreachable');
    expect(err.message).toContain('closed the connection');
    await c.close();
  });

  it('refuses to send a name that would smuggle in a second command', async () => {
    peer = await startPeer((_c, s) => s.write(goodList));
    const c = client(peer.port);
    const err = await failure(c.listVars('u\nINSTCMD u load.off'));
    expect(err.code).toBe('bad-args');
    expect(peer.commands.some((l) => l.includes('INSTCMD'))).toBe(false);
    await c.close();
  });

  it('reports a refused port and a connection that never completes', async () => {
    peer = await startPeer(() => {});
    const port = peer.port;
    await peer.close();
    peer = undefined;
    const refused = await failure(client(port).listVars('u'));
    expect(refused.code).toBe('unreachable');
    expect(refused.params?.reason).toBe('connection-refused');
    // A socket that is never connected stands for a host that drops SYNs.
    const hang = await failure(client(port, { connect: () => new Socket() }).listVars('u'));
    expect(hang.code).toBe('timeout');
  });
});
