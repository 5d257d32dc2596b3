// What the HTTPS server needs from TLS, and what the agent publishes about it. The server reads the
// current pair at start and swaps it in (`setSecureContext`) on every change: no restart.
import type { CertificatePair } from './files.js';
import type { Message, Params, TlsMessageKey } from './messages.js';

export interface CertificateSource {
  /** The certificate to serve now, or undefined before the first one is obtained. */
  current(): CertificatePair | undefined;
  /** Called with each new pair once it is stored; returns the unsubscribe function. */
  onChange(listener: (pair: CertificatePair) => void): () => void;
}

export interface TlsState {
  name: string;
  /** none: no certificate yet; valid; renewing: an attempt is running; retrying: the last attempt failed
   * (the current certificate, if any, is still served); expired: the served one is past its end. */
  status: 'none' | 'valid' | 'renewing' | 'retrying' | 'expired';
  issuer?: string;
  notBefore?: number;
  notAfter?: number;
  serial?: string;
  /** When the next renewal starts (planned), or the next retry after a failure. */
  nextRenewalAt?: number;
  /** The condition behind the "expires in 14 days" notice: renewals have been failing for a while. */
  expiresSoon: boolean;
  failures: number;
  lastError?: { code: string; message: string; key?: string; params?: Params; at: number };
  lastRenewedAt?: number;
  /** The ACME account URL (CAA `accounturi`). */
  accountUrl?: string;
  /** A one-line summary for `lifeline check` and the app. */
  summary: Message & { key: TlsMessageKey };
}
