// Adapts a `ws` socket (agent side, relay side and ctl) to the session's MessageTransport.
import type WebSocket from 'ws';
import type { MessageTransport } from '../shared/session/transport.js';

export function wsTransport(socket: WebSocket): MessageTransport {
  const transport: MessageTransport = {
    send(data) {
      if (socket.readyState === socket.OPEN) socket.send(data);
    },
    close(code, reason) {
      if (socket.readyState === socket.OPEN || socket.readyState === socket.CONNECTING)
        socket.close(code, reason);
    },
    onMessage: null,
    onClose: null,
  };
  socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    transport.onMessage?.(
      isBinary ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : buf.toString('utf8'),
    );
  });
  socket.on('close', (code: number, reason: Buffer) => transport.onClose?.(code, reason.toString('utf8')));
  socket.on('error', () => {
    /* 'close' follows; nothing to add */
  });
  return transport;
}
