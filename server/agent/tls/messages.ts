// Every user-visible sentence of the TLS capability, by key with its parameters and an English
// default, ready to move into the message catalogues (en, zh-Hans, zh-Hant).
import { type ErrorCode, LifelineError } from '../../../shared/protocol/errors.js';

const EN = {
  'tls.ca-unreachable': 'cannot reach the CA at {host}: {reason}',
  'tls.ca-untrusted':
    'the HTTPS certificate of the CA at {host} is not trusted ({reason}); for a test CA, set tls.caFile',
  'tls.ca-refused': 'the CA refused: {detail}',
  'tls.no-dns01': 'the CA offers no dns-01 challenge for {name}',
  'tls.txt-write-failed': 'could not write the TXT record {record}: {reason}',
  'tls.txt-not-visible':
    'the TXT record {record} did not appear at {servers} within {seconds} s (is the DNS provider for this name right?)',
  'tls.txt-remove-failed': 'the TXT record {record} could not be removed: {reason}',
  'tls.dns-unreachable': 'cannot find the name servers of {name}: {reason}',
  'tls.wrong-name': 'the CA issued a certificate for {names}, not {name}',
  'tls.bad-certificate': 'the stored certificate cannot be used: {reason}',
  'tls.no-provider': 'tls needs a DNS provider: give tls.provider, or network.ddns for the same zone',
  'tls.status.none': 'no certificate yet for {name}',
  'tls.status.valid': 'certificate for {name} valid until {notAfter}, renewal from {renewAt}',
  'tls.status.expires-soon':
    'the certificate for {name} expires in {days} days ({notAfter}); renewal keeps failing',
  'tls.status.expired': 'the certificate for {name} expired at {notAfter}',
  'caa.pinned': 'CAA for {name} allows only DNS-01 from this agent’s account ({at})',
  'caa.missing':
    'no CAA record for {name}: any CA may issue for it, through HTTP-01 too, so the relay could get a certificate. Add: {record}',
  'caa.open': 'CAA at {at} lets a CA issue without DNS-01 or without this account ({entry}). Use: {record}',
  'caa.wrong-account':
    'CAA at {at} pins another ACME account ({entry}): this agent cannot renew. Use: {record}',
  'caa.blocked': 'CAA at {at} does not allow {ca} to issue: this agent cannot renew. Add: {record}',
  'caa.unknown': 'could not read CAA for {name}: {reason}',
  'caa.no-identity': 'the CA does not name its CAA identity; set tls.caaIdentity',
  'caa.no-account': 'no ACME account yet: the CAA record can be given once the first certificate is obtained',
} as const;

export type TlsMessageKey = keyof typeof EN;
export type Params = Record<string, string | number>;

export interface Message {
  key: TlsMessageKey;
  params: Params;
  /** The English default. */
  text: string;
}

export function message(key: TlsMessageKey, params: Params = {}): Message {
  const text = EN[key].replace(/\{(\w+)\}/g, (_, p: string) => String(params[p] ?? `{${p}}`));
  return { key, params, text };
}

/** A LifelineError whose params carry the message key, so a catalogue can translate it. */
export function tlsError(code: ErrorCode, key: TlsMessageKey, params: Params = {}): LifelineError {
  return new LifelineError(code, message(key, params).text, { key, ...params });
}
