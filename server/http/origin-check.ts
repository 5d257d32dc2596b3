// Which browser pages may open a WebSocket here. A WebSocket is not bound by the same-origin
// policy, so any page a LAN user visits could otherwise open sessions to a LAN agent (and fill its
// handshake seats). Allowed: no Origin at all (ctl, agents — not browsers), a page of this very
// origin, or of an origin configured as a partner (a standby relay's: relay.yaml otherRelays). A DNS-rebinding page has a matching Origin but asks for a name of its own: the Host must
// be an address literal, localhost, or one of the names this server is known by.
import net from 'node:net';

export interface OriginPolicy {
  /** DNS names this server is reached by (the certificate's name, publicUrl's, the relay's). */
  names: readonly string[];
  /** Other origins whose pages may open sessions here (a standby relay's app: relay.yaml otherRelays). */
  pages?: readonly string[];
}

export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  policy: OriginPolicy,
): boolean {
  if (origin === undefined) return true;
  if (!host) return false;
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return false;
  }
  if (policy.pages?.includes(from.origin)) return true;
  if (from.host.toLowerCase() !== host.toLowerCase()) return false;
  const name = from.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return net.isIP(name) !== 0 || name === 'localhost' || policy.names.includes(name);
}

/** The DNS names of these URLs (skipping address literals and anything that is no URL). */
export function namesOf(urls: readonly (string | undefined)[]): string[] {
  const out = new Set<string>();
  for (const u of urls) {
    if (!u) continue;
    try {
      const h = new URL(u).hostname.toLowerCase();
      if (h && net.isIP(h.replace(/^\[|\]$/g, '')) === 0) out.add(h);
    } catch {
      /* not a URL: nothing to add */
    }
  }
  return [...out];
}
