// Opens the relay's TLS pass-through port from its settings (`passthrough:` in relay.yaml, or
// `relayServer.passthrough` under `lifeline start`): one way to do it for both, so the embedded
// relay passes TLS exactly as the stand-alone one does.
import type net from 'node:net';
import { addressList } from '../address-list.js';
import type { Clock } from '../clock.js';
import type { RelaySettings } from '../config/relay-settings.js';
import type { Logger } from '../log.js';
import { createPassthrough, type OwnTls, type PassthroughRouter } from './passthrough.js';
import type { Relay } from './relay.js';

export type PassthroughSettings = NonNullable<RelaySettings['passthrough']>;

export interface PassthroughPort {
  /** The bound port (the configured one, or the one the system chose for 0). */
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

export async function openPassthroughPort(opts: {
  settings: PassthroughSettings;
  relay: Relay;
  /** Who takes a name first; by default the relay (the link of the home that holds it). */
  router?: PassthroughRouter;
  /** The relay's own HTTPS in this process, when `fallback` names it (stand-alone relay: ownTlsFallback). */
  ownTls?: OwnTls | undefined;
  clock: Clock;
  log: Logger;
}): Promise<PassthroughPort> {
  const { settings, relay } = opts;
  const server = createPassthrough({
    router: opts.router ?? relay,
    fallback: opts.ownTls ?? fallbackOf(settings.fallback),
    proxyProtocol: settings.proxyProtocol,
    proxyFrom: settings.proxyFrom.length > 0 ? addressList(settings.proxyFrom) : undefined,
    limits: { connectsPerMinute: settings.connectsPerMinute },
    clock: opts.clock,
    log: opts.log,
    outcome: (o) => relay.metrics.passthrough.inc({ outcome: o }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port, settings.host, () => {
      server.removeListener('error', reject);
      resolve();
    });
  });
  const live = new Set<net.Socket>();
  server.on('connection', (s: net.Socket) => {
    live.add(s);
    s.once('close', () => live.delete(s));
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    host: settings.host,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of live) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** `host:port` (IPv6 in brackets) as the listener's fallback target. */
export function fallbackOf(hostPort: string | undefined): { host: string; port: number } | undefined {
  if (!hostPort) return undefined;
  const at = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(hostPort.slice(at + 1)) };
}
