// A capability that serves the agent's HTTPS side with a fixed certificate (no ACME), for tests of
// the pass-through and the browser hardening that do not need pebble.
import type { CapabilityFactory } from '../../server/agent/capabilities.js';
import { createHttpsSide, type HttpsProvider, type HttpsSide } from '../../server/agent/tls/https.js';
import type { CertificatePair } from '../../server/http/tls-terminator.js';

export interface StaticHttps {
  factory: CapabilityFactory;
  /** The side the agent attached (after start). */
  side(): HttpsSide;
}

export function staticHttps(
  name: string,
  pair: CertificatePair,
  listen: { host: string; port: number } = { host: '127.0.0.1', port: 0 },
): StaticHttps {
  let side: HttpsSide | undefined;
  return {
    factory: (ctx): HttpsProvider => ({
      name: 'test-https',
      actions: [],
      start() {},
      stop() {},
      https(server) {
        side = createHttpsSide({
          name,
          source: { current: () => pair, onChange: () => () => {} },
          server,
          listen,
          log: ctx.log.child('https'),
        });
        return side;
      },
    }),
    side() {
      if (!side) throw new Error('the agent has not attached its HTTPS side yet');
      return side;
    },
  };
}
