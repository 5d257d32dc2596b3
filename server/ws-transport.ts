// Adapts a `ws` socket (agent side, relay side and ctl) to the session's MessageTransport.
import type WebSocket from 'ws';
import { CloseCode, type MessageTransport } from '../shared/session/transport.js';

/**
 * Messages (and the close) that arrive before the owner sets its handlers are kept and handed
 * over when it does: a relay may answer in the same packet as the WebSocket upgrade.
 */
export function wsTransport(socket: WebSocket): MessageTransport {
  let onMessage: MessageTransport['onMessage'] = null;
  let onClose: MessageTransport['onClose'] = null;
  const early: (string | Uint8Array)[] = [];
  let closedWith: [number, string] | null = null;

  const transport: MessageTransport = {
    send(data) {
      if (socket.readyState === socket.OPEN) socket.send(data);
    },
    buffered() {
      return socket.bufferedAmount;
    },
    close(code, reason) {
      // A peer that did not keep up would not read a close frame either: cut it, and its buffers.
      if (code === CloseCode.overloaded) return socket.terminate();
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
        socket.close(code, reason);
    },
    get onMessage() {
      return onMessage;
    },
    set onMessage(handler) {
      onMessage = handler;
      if (handler) for (const m of early.splice(0)) handler(m);
    },
    get onClose() {
      return onClose;
    },
    set onClose(handler) {
      onClose = handler;
      if (handler && closedWith && early.length === 0) handler(...closedWith);
    },
  };
  socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    const message = isBinary
      ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength)
      : buf.toString('utf8');
    if (onMessage) onMessage(message);
    else early.push(message);
  });
  socket.on('close', (code: number, reason: Buffer) => {
    closedWith = [code, reason.toString('utf8')];
    onClose?.(...closedWith);
  });
  socket.on('error', () => {
    /* 'close' follows; nothing to add */
  });
  return transport;
}
