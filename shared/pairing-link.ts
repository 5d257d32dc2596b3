// The pairing link: `<base>/#/pair/<homeId>/<code>`. Home id and code live in the fragment, which
// browsers never send to a server, so neither the agent's web server nor a relay sees the code in clear.
// A home linked to two relays adds the second: `…/<code>?standby=<base>` (still in the fragment).

export interface PairingLink {
  base: string;
  homeId: string;
  code: string;
  /** A standby relay's base: where the phone looks for home when `base` does not answer. */
  standby?: string;
}

const HOME_ID = /^[a-z2-7]{26}$/;
const CODE = /^[a-z2-7]{16}$/;

export function formatPairingLink(link: PairingLink): string {
  const tail = link.standby ? `?standby=${encodeURIComponent(link.standby.replace(/\/+$/, ''))}` : '';
  return `${link.base.replace(/\/+$/, '')}/#/pair/${link.homeId}/${link.code}${tail}`;
}

/** Parses a pairing link; returns a sentence saying what is wrong instead of throwing. */
export function parsePairingLink(text: string): PairingLink | { error: string } {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { error: 'not a URL; paste the whole link printed by `lifeline pair`' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { error: 'the link must start with http:// or https://' };
  const m = /^#\/pair\/([^/]+)\/([^/?]+)(?:\?(.*))?$/.exec(url.hash);
  if (!m) return { error: 'the link has no pairing part (#/pair/<home>/<code>)' };
  const [, homeId, code, query] = m as unknown as [string, string, string, string | undefined];
  if (!HOME_ID.test(homeId)) return { error: 'the home id in the link is malformed' };
  if (!CODE.test(code)) return { error: 'the pairing code in the link is malformed' };
  const path = url.pathname.replace(/\/+$/, '');
  const standby = new URLSearchParams(query ?? '').get('standby');
  if (standby === null) return { base: `${url.origin}${path}`, homeId, code };
  const other = httpBase(standby);
  if (!other) return { error: 'the standby relay in the link is not an http(s) URL' };
  return { base: `${url.origin}${path}`, homeId, code, standby: other };
}

/** An http(s) base from an http(s) or ws(s) URL (a relay's `/ws/agent` endpoint included); undefined if it is neither. */
export function httpBase(text: string): string | undefined {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return undefined;
  }
  const scheme = { 'http:': 'http:', 'https:': 'https:', 'ws:': 'http:', 'wss:': 'https:' }[u.protocol];
  if (!scheme) return undefined;
  const path = u.pathname.replace(/\/ws\/agent$/, '').replace(/\/+$/, '');
  return `${scheme}//${u.host}${path}`;
}

/** The WebSocket endpoint for sessions with a home, on the agent directly or on a relay. */
export function sessionUrl(base: string, homeId: string): string {
  const url = new URL(base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws/session`;
  url.search = `?home=${homeId}`;
  url.hash = '';
  return url.toString();
}
