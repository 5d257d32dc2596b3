// Phones' TLS connections the relay passes through to this agent: each a stream of the link,
// turned into a byte stream (a Duplex) that the agent's HTTPS server terminates like any socket.
// Credit both ways: the agent sends at most STREAM_WINDOW bytes the relay has not passed on, and
// grants the relay more only as its TLS side takes what arrived; a relay that overruns is dropped.
import { Duplex } from 'node:stream';
import {
  type AgentToRelay,
  decodeRaw,
  encodeRaw,
  RAW_CHUNK,
  STREAM_WINDOW,
} from '../../../shared/protocol/relay-link.js';

/** Takes a phone's byte stream, as the relay saw it come from `source`, for the name `name`. */
export type TlsStreamSink = (stream: Duplex, info: { source: string; name: string }) => void;

export interface PassthroughStreamsOptions {
  /** The agent's HTTPS side; absent when this agent holds no certificate (streams are refused). */
  sink: () => TlsStreamSink | undefined;
  sendData(frame: Uint8Array): void;
  send(frame: AgentToRelay): void;
}

export interface PassthroughStreams {
  open(sid: number, source: string, name: string): void;
  /** True when the frame belonged to a pass-through stream. */
  data(frame: Uint8Array): boolean;
  credit(sid: number, n: number): void;
  /** The relay closed a stream; true when it was one of these. */
  closed(sid: number): boolean;
  endAll(): void;
  readonly count: number;
}

export function createPassthroughStreams(opts: PassthroughStreamsOptions): PassthroughStreams {
  const streams = new Map<number, LinkStream>();
  return {
    open(sid, source, name) {
      const sink = opts.sink();
      if (!sink) {
        opts.send({ t: 'close', sid, code: 4404, reason: 'this agent serves no TLS' });
        return;
      }
      const stream = new LinkStream(sid, opts, () => streams.delete(sid));
      streams.set(sid, stream);
      sink(stream, { source, name });
    },
    data(frame) {
      const raw = decodeRaw(frame);
      if (!raw) return false;
      streams.get(raw.sid)?.arrived(raw.bytes);
      return true;
    },
    credit(sid, n) {
      streams.get(sid)?.granted(n);
    },
    closed(sid) {
      const s = streams.get(sid);
      if (!s) return false;
      s.remoteClosed();
      return true;
    },
    endAll() {
      for (const s of [...streams.values()]) s.remoteClosed();
      streams.clear();
    },
    get count() {
      return streams.size;
    },
  };
}

class LinkStream extends Duplex {
  private credit = STREAM_WINDOW;
  private pendingWrite: { chunk: Buffer; cb: (err?: Error | null) => void } | null = null;
  /** Bytes received and not yet granted back to the relay. */
  private unGranted = 0;
  /** Bytes received that the reader has not asked for yet (push returned false). */
  private held = false;
  private closedRemote = false;
  private closeSent = false;

  constructor(
    private readonly sid: number,
    private readonly link: Pick<PassthroughStreamsOptions, 'sendData' | 'send'>,
    private readonly forget: () => void,
  ) {
    super({ allowHalfOpen: false });
  }

  arrived(bytes: Uint8Array): void {
    if (this.destroyed || this.closedRemote) return;
    this.unGranted += bytes.length;
    if (this.unGranted > STREAM_WINDOW) {
      this.destroy(new Error('the relay overran its window'));
      return;
    }
    // Copy: the frame's buffer belongs to the WebSocket.
    if (!this.push(Buffer.from(bytes))) this.held = true;
    else this.grant(false);
  }

  granted(n: number): void {
    this.credit = Math.min(STREAM_WINDOW, this.credit + n);
    const p = this.pendingWrite;
    if (p) {
      this.pendingWrite = null;
      this.sendSome(p.chunk, p.cb);
    }
  }

  remoteClosed(): void {
    if (this.closedRemote) return;
    this.closedRemote = true;
    this.closeSent = true;
    this.push(null);
    this.destroy();
  }

  override _read(): void {
    if (this.held) {
      this.held = false;
      this.grant(true);
    }
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.sendSome(chunk, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.sendClose(1000, 'agent closed');
    cb();
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.pendingWrite?.cb(err ?? new Error('stream closed'));
    this.pendingWrite = null;
    this.sendClose(err ? 4400 : 1000, err ? err.message.slice(0, 100) : 'agent closed');
    this.forget();
    cb(err);
  }

  private sendSome(chunk: Buffer, cb: (err?: Error | null) => void): void {
    let rest = chunk;
    while (rest.length > 0 && this.credit > 0) {
      const n = Math.min(rest.length, this.credit, RAW_CHUNK);
      this.link.sendData(encodeRaw(this.sid, rest.subarray(0, n)));
      this.credit -= n;
      rest = rest.subarray(n);
    }
    if (rest.length === 0) cb();
    else this.pendingWrite = { chunk: rest, cb };
  }

  /** Grants what the reader took, in batches (a quarter window), or all of it when asked. */
  private grant(all: boolean): void {
    if (this.unGranted === 0 || (!all && this.unGranted < STREAM_WINDOW / 4)) return;
    this.link.send({ t: 'credit', sid: this.sid, n: this.unGranted });
    this.unGranted = 0;
  }

  private sendClose(code: number, reason: string): void {
    if (this.closeSent) return;
    this.closeSent = true;
    this.link.send({ t: 'close', sid: this.sid, code, reason });
  }
}
