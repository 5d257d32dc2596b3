// Client sessions the relay forwards over the link: each a stream of the multiplexed socket,
// opened and closed by control frames, its data in binary frames; the session hub sees each as
// any other transport (path 'relay').
import { decodeData } from '../../../shared/protocol/relay-link.js';
import type { SessionHub } from '../session-hub.js';
import { streamTransport } from './stream-transport.js';

export interface ForwardedSessionsOptions {
  hub: Pick<SessionHub, 'accept'>;
  sendData(frame: Uint8Array): void;
  sendClose(sid: number, code: number, reason: string): void;
  /** Tells the relay a stream's device authenticated (it holds no stranger's seat any more). */
  sendSeated(sid: number): void;
}

export interface ForwardedSessions {
  open(sid: number, source: string): void;
  /** The relay closed a stream (the client went away). */
  closed(sid: number, code: number, reason: string): void;
  /** A binary frame from the link: data for one stream. */
  data(frame: Uint8Array): void;
  /** The link is gone: every stream ends. */
  endAll(): void;
}

export function createForwardedSessions(opts: ForwardedSessionsOptions): ForwardedSessions {
  const streams = new Map<number, ReturnType<typeof streamTransport>>();
  return {
    open(sid, source) {
      const stream = streamTransport(
        sid,
        opts.sendData,
        (id, code, reason) => opts.sendClose(id, code, reason.slice(0, 120)),
        (id) => streams.delete(id),
      );
      streams.set(sid, stream);
      opts.hub.accept(stream, {
        path: 'relay',
        source: `relay:${source}`,
        seated: () => opts.sendSeated(sid),
      });
    },
    closed(sid, code, reason) {
      streams.get(sid)?.ended(code, reason);
    },
    data(frame) {
      const decoded = decodeData(frame);
      if (decoded) streams.get(decoded.sid)?.deliver(decoded.payload);
    },
    endAll() {
      for (const s of [...streams.values()]) s.ended(4404, 'relay link lost');
      streams.clear();
    },
  };
}
