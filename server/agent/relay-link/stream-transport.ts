import { encodeData } from '../../../shared/protocol/relay-link.js';
import type { MessageTransport } from '../../../shared/session/transport.js';

/** One client session carried over the relay link, seen by the session hub as any other socket. */
export function streamTransport(
  sid: number,
  send: (frame: Uint8Array) => void,
  sendClose: (sid: number, code: number, reason: string) => void,
  onEnd: (sid: number) => void,
): MessageTransport & {
  deliver(payload: string | Uint8Array): void;
  ended(code: number, reason: string): void;
} {
  let open = true;
  const t = {
    onMessage: null as MessageTransport['onMessage'],
    onClose: null as MessageTransport['onClose'],
    send(data: string | Uint8Array) {
      if (open) send(encodeData(sid, data));
    },
    close(code = 1000, reason = '') {
      if (!open) return;
      open = false;
      sendClose(sid, code, reason);
      onEnd(sid);
      t.onClose?.(code, reason);
    },
    deliver(payload: string | Uint8Array) {
      if (open) t.onMessage?.(payload);
    },
    ended(code: number, reason: string) {
      if (!open) return;
      open = false;
      onEnd(sid);
      t.onClose?.(code, reason);
    },
  };
  return t;
}
