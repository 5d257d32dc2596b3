// One TCP connection to upsd: one request in flight at a time, replies read line by line into a
// parser, and hard bounds on what a peer can make us hold (line length, reply size, reply time).
import { connect as netConnect, type Socket } from 'node:net';
import type { LifelineError } from '../../../shared/protocol/errors.js';
import { linkError } from './nut-errors.js';
import { decodeLine } from './nut-wire.js';

export interface NutLimits {
  connectTimeoutMs: number;
  replyTimeoutMs: number;
  /** Longest line accepted; upsd's own values are at most 256 bytes. */
  maxLineBytes: number;
  /** Most bytes one reply (a whole list) may take. */
  maxReplyBytes: number;
}

export type SocketFactory = (port: number, host: string) => Socket;

/**
 * Fed each reply line as words: `more` to read on, `done` with the result, `fail` for an answer
 * that is an error (upsd's ERR: the connection stays usable), or `bad` for a reply out of step
 * (the connection is closed: nothing after it can be trusted).
 */
export type ReplyParser<T> = (
  words: string[],
) => { more: true } | { done: T } | { fail: Error } | { bad: string };

interface Pending {
  feed: (words: string[]) => void;
  fail: (err: LifelineError) => void;
}

export class NutConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private replyBytes = 0;
  private pending: Pending | undefined;
  private dead: LifelineError | undefined;
  /** Requests answered on this connection: a drop on a used one is worth one retry (idle timeout). */
  answered = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly address: string,
    private readonly limits: NutLimits,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.kill(errorOf(err, address)));
    socket.on('close', () => this.kill(linkError('closed', address)));
  }

  static open(
    host: string,
    port: number,
    limits: NutLimits,
    factory?: SocketFactory,
  ): Promise<NutConnection> {
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const socket = (factory ?? ((p, h) => netConnect({ port: p, host: h })))(port, host);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(linkError('timeout', address, 'connecting'));
      }, limits.connectTimeoutMs);
      const failed = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(errorOf(err, address));
      };
      socket.once('error', failed);
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.off('error', failed);
        socket.setNoDelay(true);
        resolve(new NutConnection(socket, address, limits));
      });
    });
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  /** Sends one command line and parses its reply. */
  request<T>(line: string, parse: ReplyParser<T>): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.pending) return Promise.reject(new Error('NutConnection: one request at a time'));
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(
        () => this.kill(linkError('timeout', this.address, 'waiting for a reply')),
        this.limits.replyTimeoutMs,
      );
      const settle = () => {
        clearTimeout(timer);
        this.pending = undefined;
        this.replyBytes = 0;
      };
      this.pending = {
        feed: (words) => {
          const r = parse(words);
          if ('more' in r) return;
          if ('bad' in r) {
            this.kill(linkError('bad-reply', this.address, r.bad));
            return;
          }
          settle();
          this.answered++;
          if ('done' in r) resolve(r.done);
          else reject(r.fail);
        },
        fail: (err) => {
          settle();
          reject(err);
        },
      };
      this.socket.write(line);
    });
  }

  /** Ends the connection; a request in flight fails with `reason` (default: closed). */
  close(reason?: LifelineError): void {
    this.kill(reason ?? linkError('closed', this.address));
  }

  private kill(err: LifelineError): void {
    if (this.dead) return;
    this.dead = err;
    this.buffered = Buffer.alloc(0);
    this.socket.destroy();
    const p = this.pending;
    this.pending = undefined;
    p?.fail(err);
  }

  private onData(chunk: Buffer): void {
    if (this.dead) return;
    if (!this.pending) {
      // upsd speaks only when asked: anything else means the peer is not upsd, or out of step.
      this.kill(linkError('bad-reply', this.address, 'it spoke without being asked'));
      return;
    }
    this.replyBytes += chunk.length;
    if (this.replyBytes > this.limits.maxReplyBytes) {
      this.kill(linkError('too-long', this.address, `over ${this.limits.maxReplyBytes} bytes`));
      return;
    }
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    for (;;) {
      const nl = this.buffered.indexOf(10);
      if (nl < 0) break;
      const raw = this.buffered.subarray(0, nl);
      this.buffered = this.buffered.subarray(nl + 1);
      if (!this.line(raw)) return;
    }
    if (this.buffered.length > this.limits.maxLineBytes)
      this.kill(linkError('too-long', this.address, `a line over ${this.limits.maxLineBytes} bytes`));
  }

  /** Hands one line to the request in flight; false when the connection is finished with. */
  private line(raw: Buffer): boolean {
    if (raw.length > this.limits.maxLineBytes) {
      this.kill(linkError('too-long', this.address, `a line over ${this.limits.maxLineBytes} bytes`));
      return false;
    }
    const text = raw.toString('utf8').replace(/\r$/, '');
    const decoded = decodeLine(text);
    if (!decoded.ok) {
      this.kill(linkError('bad-reply', this.address, decoded.reason));
      return false;
    }
    const p = this.pending;
    if (!p) {
      this.kill(linkError('bad-reply', this.address, 'more lines than the reply has'));
      return false;
    }
    p.feed(decoded.words);
    return !this.dead;
  }
}

function errorOf(err: Error & { code?: string }, address: string): LifelineError {
  switch (err.code) {
    case 'ECONNREFUSED':
      return linkError('refused', address);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return linkError('dns', address, err.code);
    case 'ECONNRESET':
    case 'EPIPE':
      return linkError('closed', address);
    default:
      return linkError('network', address, err.code ?? err.message);
  }
}
