// Where a connection came from when its socket cannot say: a phone's TLS passed through by the
// relay reaches the agent's HTTPS side as a stream of the link, with no address of its own. The
// terminator marks the TLS socket it makes; the routes read the mark (path and the phone's address
// as the relay saw it) instead of the socket's address.

export interface ConnectionOrigin {
  path: 'direct' | 'relay';
  /** The peer's address: the socket's own, or `relay:<address the relay saw>`. */
  source: string;
}

const marks = new WeakMap<object, ConnectionOrigin>();

export function markConnection(socket: object, origin: ConnectionOrigin): void {
  marks.set(socket, origin);
}

export function connectionOrigin(socket: object | undefined | null): ConnectionOrigin | undefined {
  return socket ? marks.get(socket) : undefined;
}
