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
