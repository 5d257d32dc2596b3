/**
 * The smallest socket the session needs (cf. tldraw's WebSocketMinimal). Adapters exist for the
 * browser WebSocket, Node's `ws`, and a stream multiplexed over the relay link.
 */
export interface MessageTransport {
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
  /** Bytes sent but not yet taken by the peer (absent: the transport cannot tell). */
  buffered?(): number;
  onMessage: ((data: string | Uint8Array) => void) | null;
  onClose: ((code: number, reason: string) => void) | null;
}

/** Close codes used by the session layer (4000–4999 is the application range). */
export const CloseCode = {
  normal: 1000,
  handshakeFailed: 4400,
  unauthorized: 4401,
  revoked: 4403,
  frameRejected: 4408,
  timeout: 4409,
  /** The peer did not keep up (did not read, or sent faster than it could be served). */
  overloaded: 4429,
  shutdown: 4500,
} as const;

/** Pulls messages one at a time during the handshake, with a deadline. */
export class MessageQueue {
  private readonly items: (string | Uint8Array)[] = [];
  private waiter: { resolve: (m: string | Uint8Array) => void; reject: (e: Error) => void } | null = null;
  private closedWith: Error | null = null;

  push(message: string | Uint8Array): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve(message);
    } else this.items.push(message);
  }

  fail(error: Error): void {
    this.closedWith = error;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.reject(error);
    }
  }

  next(timeoutMs: number, onTimeout: () => Error): Promise<string | Uint8Array> {
    const queued = this.items.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(onTimeout());
      }, timeoutMs);
      this.waiter = {
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
    });
  }

  get failure(): Error | null {
    return this.closedWith;
  }

  /** Messages that arrived after the handshake but before the session took over. */
  drain(): (string | Uint8Array)[] {
    return this.items.splice(0);
  }
}
