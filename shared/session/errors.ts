/** A failure of the secure session: stable code for programs, plain sentence for people. */
export class SessionError extends Error {
  constructor(
    readonly code: SessionErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SessionError';
  }
}

export type SessionErrorCode =
  | 'bad-handshake'
  | 'wrong-home'
  | 'agent-key-mismatch'
  | 'bad-signature'
  | 'frame-rejected'
  | 'not-paired'
  | 'revoked'
  | 'pairing-code-invalid'
  | 'pairing-rate-limited'
  | 'busy'
  | 'rate-limited'
  | 'version-unsupported'
  | 'timeout'
  | 'closed'
  /** A relay answered: it has no link to home now (its message says since when). */
  | 'home-offline'
  /** A relay answered: it does not serve this home. */
  | 'unknown-home';
