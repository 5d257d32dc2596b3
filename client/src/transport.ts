import type { MessageTransport } from '../../shared/session/transport.js';

/** Opens a browser WebSocket and adapts it to the session's MessageTransport. */
export function openWebSocket(url: string, timeoutMs = 10_000): Promise<MessageTransport> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error('timeout'));
    }, timeoutMs);
    const transport: MessageTransport = {
      send: (data) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(data);
      },
      close: (code, reason) => {
        if (ws.readyState <= WebSocket.OPEN) ws.close(code, reason);
      },
      onMessage: null,
      onClose: null,
    };
    ws.onopen = () => {
      clearTimeout(timer);
      resolve(transport);
    };
    ws.onmessage = (ev: MessageEvent<string | ArrayBuffer>) =>
      transport.onMessage?.(typeof ev.data === 'string' ? ev.data : new Uint8Array(ev.data));
    ws.onclose = (ev) => {
      clearTimeout(timer);
      reject(new Error('unreachable'));
      transport.onClose?.(ev.code, ev.reason);
    };
  });
}
