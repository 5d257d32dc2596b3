// Which name the link's TLS carries. Behind a load balancer that hashes on SNI (several relay
// instances, `route: 'name'` in the welcome), a home's link must carry the home's own name, as its
// phones' connections do, so both land on the same instance. The agent learns this from the relay
// once per relay URL and remembers it while it runs; it still verifies the relay's certificate
// against the relay URL's host, and offers ALPN `lifeline-link` so the relay takes the connection
// itself instead of passing it to the home.
import tls from 'node:tls';
import { LINK_ALPN } from '../../../shared/protocol/relay-link.js';

/**
 * Whether a link just welcomed should be dialled again with the home's name as SNI: the relay asks
 * for it, the agent has a name, the link is TLS, and its SNI was something else.
 */
export function shouldLinkByName(w: {
  route: 'name' | undefined;
  name: string | undefined;
  url: string;
  /** The SNI the welcomed connection carried (undefined: the URL's host, or none for an IP). */
  sni: string | undefined;
}): boolean {
  if (w.route !== 'name' || !w.name) return false;
  const u = new URL(w.url);
  if (u.protocol !== 'wss:') return false;
  const sent = w.sni ?? u.hostname;
  return sent.toLowerCase() !== w.name.toLowerCase();
}

/** What ws hands on to tls.connect (its own typings of checkServerIdentity are not Node's). */
export type LinkDialOptions = Pick<
  tls.ConnectionOptions,
  'servername' | 'ALPNProtocols' | 'checkServerIdentity'
>;

export interface LinkRoute {
  /** Extra TLS options for dialling `url`: the home's name as SNI once that relay asked for it. */
  dialOptions(url: string): LinkDialOptions;
  /** After a welcome on `url`: true when the link should be dialled again at once, by name. */
  relinkByName(url: string, route: 'name' | undefined): boolean;
}

/** `name`: the home's own name (its certificate's), if it has one. */
export function createLinkRoute(name: () => string | undefined): LinkRoute {
  const byName = new Set<string>();
  const sniFor = (url: string) => (byName.has(url) ? name() : undefined);
  return {
    dialOptions(url) {
      const servername = sniFor(url);
      if (!servername) return {};
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      return {
        servername,
        ALPNProtocols: [LINK_ALPN, 'http/1.1'],
        checkServerIdentity: (_sni, cert) => tls.checkServerIdentity(host, cert),
      };
    },
    relinkByName(url, route) {
      if (!shouldLinkByName({ route, name: name(), url, sni: sniFor(url) })) return false;
      byName.add(url);
      return true;
    },
  };
}
