// One phone's TLS connection, passed through to its home's agent over the link as raw bytes the
// relay cannot read. Credit bounds what the relay holds for it: toward the agent it reads from the
// phone only while the agent has granted room (a flooding phone is simply not read: TCP pushes
// back); toward the phone it holds at most STREAM_WINDOW bytes, and an agent that sends more, or a
// phone that takes nothing for `stallMs` while bytes wait, is dropped.
import type { Socket } from 'node:net';
import { encodeRaw, RAW_CHUNK, type RelayToAgent, STREAM_WINDOW } from '../../shared/protocol/relay-link.js';

export interface StreamLinkSide {
  sendRaw(frame: Uint8Array): void;
  sendControl(frame: RelayToAgent): void;
  /** The stream is over (either side): forget it. */
  ended(sid: number): void;
}

export interface PassthroughTimings {
  /** A phone that accepts no byte for this long while bytes wait for it is dropped. */
  stallMs: number;
}

export const DEFAULT_PASSTHROUGH_TIMINGS: PassthroughTimings = { stallMs: 30_000 };

export class PassthroughStream {
  /** Bytes the agent still lets us send. */
  private credit = STREAM_WINDOW;
  /** Bytes read from the phone that wait for credit (at most one read's worth: reading is paused). */
  private waiting: Buffer[] = [];
  /** Bytes from the agent written to the phone's socket and not yet flushed to the kernel. */
  private inFlight = 0;
  /** Flushed bytes not yet granted back to the agent. */
  private toGrant = 0;
  private stallTimer: ReturnType<typeof setTimeout> | null = null;
  private done = false;
  /** Bytes passed each way, for the metrics. */
  readonly counted = { up: 0, down: 0 };

  constructor(
    readonly sid: number,
    private readonly socket: Socket,
    private readonly link: StreamLinkSide,
    private readonly timings: PassthroughTimings = DEFAULT_PASSTHROUGH_TIMINGS,
  ) {}

  /** Starts piping; `first` holds the bytes already read to find the name (the ClientHello). */
  start(first: Buffer): void {
    this.socket.on('data', (chunk: Buffer) => this.fromPhone(chunk));
    this.socket.on('end', () => this.close(1000, 'phone closed'));
    this.socket.on('close', () => this.close(1000, 'phone closed'));
    this.socket.on('error', () => this.close(1006, 'phone connection failed'));
    if (first.length > 0) this.fromPhone(first);
    if (!this.done) this.socket.resume();
  }

  /** Bytes from the agent for the phone. */
  fromAgent(bytes: Uint8Array): void {
    if (this.done) return;
    if (this.inFlight + this.toGrant + bytes.length > STREAM_WINDOW) {
      this.close(4400, 'the agent overran its window');
      return;
    }
    this.inFlight += bytes.length;
    this.counted.down += bytes.length;
    if (!this.stallTimer) this.armStall();
    this.socket.write(bytes, (err) => {
      if (err || this.done) return;
      this.inFlight -= bytes.length;
      this.toGrant += bytes.length;
      if (this.inFlight === 0) this.disarmStall();
      else this.armStall();
      // Grant in batches of a quarter window, as the agent does: an agent that used its whole
      // window has a whole window here to be granted once the phone took it, so it never waits on
      // a smaller grant, and small messages cost no credit frame each.
      if (this.toGrant >= STREAM_WINDOW / 4) {
        this.link.sendControl({ t: 'credit', sid: this.sid, n: this.toGrant });
        this.toGrant = 0;
      }
    });
  }

  /** The agent passed `n` more bytes on. */
  granted(n: number): void {
    if (this.done) return;
    this.credit = Math.min(STREAM_WINDOW, this.credit + n);
    this.flush();
    if (this.waiting.length === 0 && this.credit > 0) this.socket.resume();
  }

  /** The agent closed its end: what is written still reaches the phone, then the socket ends. */
  closedByAgent(): void {
    if (this.done) return;
    this.finish();
    this.socket.end();
  }

  /** Ends the stream from this side (phone gone, breach, shutdown) and tells the agent. */
  close(code: number, reason: string): void {
    if (this.done) return;
    this.finish();
    this.link.sendControl({ t: 'close', sid: this.sid, code, reason });
    this.socket.destroy();
  }

  get buffered(): number {
    return this.inFlight + this.waiting.reduce((n, b) => n + b.length, 0);
  }

  private finish(): void {
    this.done = true;
    this.disarmStall();
    this.waiting = [];
    this.link.ended(this.sid);
  }

  private fromPhone(chunk: Buffer): void {
    if (this.done) return;
    this.waiting.push(chunk);
    this.flush();
    if (this.waiting.length > 0) this.socket.pause();
  }

  private flush(): void {
    while (this.waiting.length > 0 && this.credit > 0) {
      const head = this.waiting[0]!;
      const n = Math.min(head.length, this.credit, RAW_CHUNK);
      this.link.sendRaw(encodeRaw(this.sid, head.subarray(0, n)));
      this.credit -= n;
      this.counted.up += n;
      if (n === head.length) this.waiting.shift();
      else this.waiting[0] = head.subarray(n);
    }
  }

  private armStall(): void {
    this.disarmStall();
    this.stallTimer = setTimeout(() => this.close(4408, 'the phone stopped reading'), this.timings.stallMs);
    this.stallTimer.unref?.();
  }

  private disarmStall(): void {
    if (this.stallTimer) clearTimeout(this.stallTimer);
    this.stallTimer = null;
  }
}
