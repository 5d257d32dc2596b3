// The pairing link: `<base>/#/pair/<homeId>/<code>`. Home id and code live in the fragment, which
// browsers never send to a server, so neither the agent's web server nor a relay sees the code in clear.

export interface PairingLink {
  base: string;
  homeId: string;
  code: string;
}

const HOME_ID = /^[a-z2-7]{26}$/;
const CODE = /^[a-z2-7]{16}$/;

export function formatPairingLink(link: PairingLink): string {
  return `${link.base.replace(/\/+$/, '')}/#/pair/${link.homeId}/${link.code}`;
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
  const m = /^#\/pair\/([^/]+)\/([^/?]+)$/.exec(url.hash);
  if (!m) return { error: 'the link has no pairing part (#/pair/<home>/<code>)' };
  const [, homeId, code] = m as unknown as [string, string, string];
  if (!HOME_ID.test(homeId)) return { error: 'the home id in the link is malformed' };
  if (!CODE.test(code)) return { error: 'the pairing code in the link is malformed' };
  const path = url.pathname.replace(/\/+$/, '');
  return { base: `${url.origin}${path}`, homeId, code };
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
