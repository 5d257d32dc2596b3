// Headers that keep the app's page safe in the browser, on every response of a Lifeline server:
// a Content-Security-Policy that lets the page run only its own files (no inline script, no
// framing, connections only to this origin and the agent's / relay's), and HSTS when served over
// HTTPS (so a phone never again tries the name over plain http).
import type { FastifyInstance } from 'fastify';

export interface SecurityHeadersOptions {
  /** Origins the app may connect to besides its own (https:// and wss:// forms of each). */
  connect: readonly string[];
}

/** https://h and wss://h (http://h and ws://h for plain ones) for each base URL. */
export function connectSources(urls: readonly (string | undefined)[]): string[] {
  const out = new Set<string>();
  for (const u of urls) {
    if (!u) continue;
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      continue;
    }
    const secure = url.protocol === 'https:' || url.protocol === 'wss:';
    out.add(`${secure ? 'https' : 'http'}://${url.host}`);
    out.add(`${secure ? 'wss' : 'ws'}://${url.host}`);
  }
  return [...out];
}

export function contentSecurityPolicy(connect: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    `connect-src 'self'${connect.length > 0 ? ` ${connect.join(' ')}` : ''}`,
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const HSTS = 'max-age=31536000';

export function securityHeaders(app: FastifyInstance, opts: SecurityHeadersOptions): void {
  const csp = contentSecurityPolicy(opts.connect);
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('content-security-policy', csp);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (req.protocol === 'https') reply.header('strict-transport-security', HSTS);
    return payload;
  });
}
