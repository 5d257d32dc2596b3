// Whether CAA pins the name to this agent (RFC 8659 + RFC 8657): the relay receives the name's
// traffic, so it could pass HTTP-01 or TLS-ALPN-01 itself; a CAA `issue` record with
// `validationmethods=dns-01` and `accounturi=<our account>` leaves it no way to get a certificate.
import type { CaaRecord } from 'node:dns';
import { Resolver } from 'node:dns/promises';
import { type Message, message } from './messages.js';

export type CaaStatus = 'pinned' | 'missing' | 'open' | 'wrong-account' | 'blocked' | 'unknown';

export interface CaaReport {
  status: CaaStatus;
  /** True only for `pinned`. */
  ok: boolean;
  /** The name whose CAA set applies (the name itself or the closest parent that has one). */
  at?: string;
  /** The `issue` values found there. */
  issue: string[];
  /** The record to add (zone-file form) when the status is not `pinned`. */
  record?: string;
  summary: Message;
}

/** CAA records at one name; an empty list when it has none. Throws when the name cannot be read. */
export type CaaLookup = (name: string) => Promise<CaaRecord[]>;

const QUERY_TIMEOUT_MS = 3_000;

/** CAA through one resolver (`system` or an IP with an optional port). */
export function caaLookup(resolver = 'system'): CaaLookup {
  const r = new Resolver({ timeout: QUERY_TIMEOUT_MS, tries: 2 });
  if (resolver !== 'system') r.setServers([resolver]);
  return async (name) => {
    try {
      return await r.resolveCaa(name);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code === 'ENODATA' || code === 'ENOTFOUND') return [];
      throw new Error(
        code === 'ETIMEOUT' ? `${name}: no answer` : `${name}: ${code || (err as Error).message}`,
      );
    }
  };
}

interface IssueValue {
  ca: string;
  methods?: string[];
  account?: string;
}

/** `issuer-domain *WSP ";" *WSP tag=value ...` (RFC 8659 §4.2); tags are case-insensitive. */
export function parseIssue(value: string): IssueValue {
  const [ca = '', ...params] = value.split(';').map((p) => p.trim());
  const out: IssueValue = { ca: ca.toLowerCase() };
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const tag = p.slice(0, eq).trim().toLowerCase();
    const v = p.slice(eq + 1).trim();
    if (tag === 'validationmethods') out.methods = v.split(',').map((m) => m.trim().toLowerCase());
    if (tag === 'accounturi') out.account = v;
  }
  return out;
}

export interface CaaCheck {
  name: string;
  /** The CA's CAA identity, e.g. `letsencrypt.org`. */
  ca: string;
  accountUrl: string;
  lookup: CaaLookup;
}

const KNOWN_TAGS = new Set(['issue', 'issuewild', 'iodef', 'critical']);

export async function checkCaa(c: CaaCheck): Promise<CaaReport> {
  const name = c.name.replace(/\.$/, '').toLowerCase();
  const record = `${name}. CAA 0 issue "${c.ca}; validationmethods=dns-01; accounturi=${c.accountUrl}"`;
  const labels = name.split('.');
  let at: string | undefined;
  let set: CaaRecord[] = [];
  // The closest name with a CAA set decides (RFC 8659 §3); the climb stops above the TLD.
  for (let i = 0; i < labels.length - 1 && !at; i++) {
    const candidate = labels.slice(i).join('.');
    try {
      set = await c.lookup(candidate);
    } catch (err) {
      return {
        status: 'unknown',
        ok: false,
        issue: [],
        record,
        summary: message('caa.unknown', { name, reason: (err as Error).message }),
      };
    }
    if (set.length > 0) at = candidate;
  }
  if (!at)
    return {
      status: 'missing',
      ok: false,
      issue: [],
      record,
      summary: message('caa.missing', { name, record }),
    };

  const issue = set.filter((r) => typeof r.issue === 'string').map((r) => r.issue as string);
  const report = (status: CaaStatus, entry = '') => ({
    status,
    ok: status === 'pinned',
    at,
    issue,
    ...(status === 'pinned' ? {} : { record }),
    summary: message(`caa.${status}` as 'caa.pinned', { name, at: at!, record, entry, ca: c.ca }),
  });
  // An unknown tag flagged critical forbids issuance by any CA (RFC 8659 §4.1).
  const criticalUnknown = set.some(
    (r) => (r.critical & 128) !== 0 && !Object.keys(r).some((k) => KNOWN_TAGS.has(k) && k !== 'critical'),
  );
  if (criticalUnknown) return report('blocked', 'an unknown critical property');
  // Without any `issue` property, every CA may issue for the name.
  if (issue.length === 0) return report('open', 'no issue property');

  const parsed = issue.map((value) => ({ value, ...parseIssue(value) }));
  const ours = parsed.filter((p) => p.ca === c.ca.toLowerCase());
  if (ours.length === 0) return report('blocked');
  if (ours.every((p) => p.account !== undefined && p.account !== c.accountUrl))
    return report('wrong-account', ours[0]!.value);
  const dnsOnly = (p: IssueValue) => p.methods?.every((m) => m === 'dns-01');
  // Any other CA, or our CA for any account or method, is a way in for whoever holds the traffic.
  const hole = parsed.find(
    (p) => p.ca !== '' && (!dnsOnly(p) || (p.ca === c.ca.toLowerCase() && p.account !== c.accountUrl)),
  );
  if (hole) return report('open', hole.value);
  return report('pinned');
}
