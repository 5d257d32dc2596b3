// Which name the link's TLS carries. Behind a load balancer that hashes on SNI (several relay
// instances, `route: 'name'` in the welcome), a home's link must carry the home's own name, as its
// phones' connections do, so both land on the same instance. The agent learns this from the relay
// once per relay URL and remembers it while it runs; it still verifies the relay's certificate
// against the relay URL's host, and offers ALPN `lifeline-link` so the relay takes the connection
// itself instead of passing it to the home.
// The balancer may later give the name to another instance (one that comes back takes its names
// back) while the link stays where it is: so the agent dials its own name now and then, as a phone
// does, and links again when that does not reach itself.
import type { ConnectionOptions } from 'node:tls';
import { LINK_ALPN } from '../../../shared/protocol/relay-link.js';
import { tls } from '../../node-tls.js';

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
export type LinkDialOptions = Pick<ConnectionOptions, 'servername' | 'ALPNProtocols' | 'checkServerIdentity'>;

export type NameProbe = (url: string, name: string) => Promise<'here' | 'elsewhere' | 'unknown'>;

/**
 * Where a phone dialling `name` at the relay of `url` lands: on a server with a valid certificate
 * for the name (this agent, through its link: `here`), or on one whose certificate is not for it
 * (a relay instance without this home's link: `elsewhere`). Anything else says nothing.
 */
export const probeName: NameProbe = (url, name) =>
  new Promise((resolve) => {
    const u = new URL(url);
    const s = tls.connect({
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: Number(u.port) || 443,
      servername: name,
      timeout: 10_000,
    });
    const done = (r: 'here' | 'elsewhere' | 'unknown') => {
      s.destroy();
      resolve(r);
    };
    s.once('secureConnect', () => done('here'));
    s.once('timeout', () => done('unknown'));
    s.once('error', (err: NodeJS.ErrnoException) =>
      done(err.code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? 'elsewhere' : 'unknown'),
    );
  });

/** Between half and all of this between checks that the home's name still reaches its link. */
export const NAME_CHECK_MS = 20_000;

export interface LinkRoute {
  /** Extra TLS options for dialling `url`: the home's name as SNI once that relay asked for it. */
  dialOptions(url: string): LinkDialOptions;
  /** After a welcome on `url`: true when the link should be dialled again at once, by name. */
  relinkByName(url: string, route: 'name' | undefined): boolean;
  /** The link to `url` is up: while it is, `moved` is called when the name reaches elsewhere. */
  watch(url: string, moved: () => void): void;
  /** The link is down: no more checks. */
  unwatch(): void;
}

/** `name`: the home's own name (its certificate's), if it has one. */
export function createLinkRoute(
  name: () => string | undefined,
  probe: NameProbe = probeName,
  everyMs = NAME_CHECK_MS,
): LinkRoute {
  const byName = new Set<string>();
  const sniFor = (url: string) => (byName.has(url) ? name() : undefined);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let watching = 0;
  const unwatch = () => {
    watching++;
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return {
    watch(url, moved) {
      unwatch();
      const n = sniFor(url);
      if (!n) return;
      const mine = watching;
      const next = () => {
        timer = setTimeout(
          async () => {
            const where = await probe(url, n);
            if (mine !== watching) return;
            if (where === 'elsewhere') return moved();
            next();
          },
          everyMs * (0.5 + Math.random() / 2),
        );
        timer.unref?.();
      };
      next();
    },
    unwatch,
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
