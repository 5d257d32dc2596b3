// Reads what matters from a certificate chain and its key (names, issuer, validity), and when to
// renew it. Node's own X509Certificate: no parsing of ours.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import type { CertificatePair } from './files.js';
import { tlsError } from './messages.js';

const DAY_MS = 86_400_000;

export interface CertificateInfo {
  names: string[];
  /** The issuing CA's common name (or its whole subject when it has none). */
  issuer: string;
  notBefore: number;
  notAfter: number;
  serial: string;
}

/** Parses the leaf of a PEM chain and checks the key belongs to it; throws a LifelineError otherwise. */
export function inspect(pair: CertificatePair): CertificateInfo {
  let leaf: X509Certificate;
  try {
    const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pair.cert)?.[0];
    if (!first) throw new Error('no PEM certificate');
    leaf = new X509Certificate(first);
  } catch (err) {
    throw tlsError('failed', 'tls.bad-certificate', { reason: (err as Error).message });
  }
  let matches = false;
  try {
    matches = leaf.checkPrivateKey(createPrivateKey(pair.key));
  } catch (err) {
    throw tlsError('failed', 'tls.bad-certificate', { reason: `unreadable key (${(err as Error).message})` });
  }
  if (!matches) throw tlsError('failed', 'tls.bad-certificate', { reason: 'the key does not match it' });
  const names = (leaf.subjectAltName ?? '')
    .split(/,\s*/)
    .filter((n) => n.startsWith('DNS:'))
    .map((n) => n.slice(4).toLowerCase());
  const issuerCn = /(?:^|\n)CN=([^\n]+)/.exec(leaf.issuer)?.[1];
  return {
    names,
    issuer: issuerCn ?? leaf.issuer.replace(/\n/g, ', '),
    notBefore: Date.parse(leaf.validFrom),
    notAfter: Date.parse(leaf.validTo),
    serial: leaf.serialNumber,
  };
}

/** Two thirds into the lifetime, or `renewDays` before the end when the owner says so. */
export function renewalDue(info: CertificateInfo, renewDays?: number): number {
  const lifetime = info.notAfter - info.notBefore;
  // renewDays longer than the lifetime would renew without pause: two thirds then.
  const byDays = renewDays && renewDays * DAY_MS < lifetime ? info.notAfter - renewDays * DAY_MS : undefined;
  const due = byDays ?? info.notBefore + (lifetime * 2) / 3;
  return Math.max(info.notBefore, Math.round(due));
}

export const EXPIRY_WARNING_MS = 14 * DAY_MS;
