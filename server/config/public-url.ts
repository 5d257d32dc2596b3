import type { Config } from './schema.js';

const LOOPBACK_OR_ANY = ['0.0.0.0', '::', '127.0.0.1', '::1'];

/** Where this agent listens, as a browser would type it. */
export function listenUrl(config: Config, port: number = config.listen.port): string {
  const host = LOOPBACK_OR_ANY.includes(config.listen.host) ? 'localhost' : config.listen.host;
  return `${config.listen.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** What pairing links point at: `publicUrl`, else the one HTTPS origin (`tls.name`), else the relay, else the listen address. */
export function publicBaseUrl(config: Config, port?: number): string {
  if (!config.publicUrl && config.tls) {
    const p = config.tls.listen.port;
    return `https://${config.tls.name}${p === 443 || p === 0 ? '' : `:${p}`}`;
  }
  return config.publicUrl ?? config.relay?.url.replace(/^ws(s?):/, 'http$1:') ?? listenUrl(config, port);
}

/**
 * When pairing links fall back to the relay: it serves the app only with `app.serve` (off by
 * default), so a phone opening such a link may get nothing. What to say, or null.
 */
export function relayLinkNote(config: Config, base: string): string | null {
  if (config.publicUrl || config.tls || !config.relay) return null;
  return `this link opens the relay (${base}), which serves the app only with app.serve: true in its relay.yaml (off by default). For one HTTPS origin through the relay give this home a name with tls: (docs/tls.md), or set publicUrl.`;
}

/**
 * The standby relay pairing links name besides their base (relay.standby), as an http(s) base.
 * None for a home with its own name (tls.name): there the name's DNS decides which relay answers.
 */
export function standbyBaseUrl(config: Config): string | undefined {
  if (config.tls || !config.relay?.standby) return undefined;
  return config.relay.standby.replace(/^ws(s?):/, 'http$1:').replace(/\/+$/, '');
}
