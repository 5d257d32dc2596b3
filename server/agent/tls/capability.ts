// The `tls` capability: the agent's own certificate for the owner's name (obtained and renewed by
// the keeper), published as the `tls` entity (the app shows when it ends), in /metrics and in
// `lifeline check`, with an event (and so a push) 14 days before it ends and when it has ended;
// and the HTTPS side that serves the app and /ws/session with it on the LAN and through the relay.
import type http from 'node:http';
import { type TlsInfo, TlsRenew } from '../../../shared/protocol/tls.js';
import { httpClient } from '../../dns/http-client.js';
import { defineAction } from '../actions.js';
import type { AgentContext, CheckRow } from '../capability.js';
import type { CaaReport } from './caa.js';
import type { TlsConfig } from './config.js';
import { createHttpsSide, type HttpsProvider, type HttpsSide } from './https.js';
import type { TlsState } from './source.js';
import { createTls, type Tls, type TlsDeps } from './tls.js';
import { dnsProviderFor } from './txt-provider.js';

/** Seams for tests (timings, lookups); the config, data folder, clock and log come from the agent. */
export type TlsCapabilityDeps = Partial<Omit<TlsDeps, 'config' | 'dataDir' | 'clock' | 'log'>>;

export function createTlsCapability(ctx: AgentContext, deps: TlsCapabilityDeps = {}): HttpsProvider {
  const config = ctx.config.tls as TlsConfig;
  const log = ctx.log.child('tls');
  const ddns = ctx.config.network?.ddns;
  const tls: Tls = createTls({
    config,
    dataDir: ctx.dataDir,
    txt: ddns ? dnsProviderFor(ddns, config.name, deps.http ?? httpClient) : undefined,
    clock: ctx.clock,
    log,
    ...deps,
  });
  let side: HttpsSide | undefined;
  let origin: string | undefined;
  let caa: CaaReport | undefined;
  let last: TlsState | undefined;
  const unsubscribe: (() => void)[] = [];
  let started = false;

  const info = (s: TlsState): TlsInfo => ({
    ...s,
    summary: { key: s.summary.key, params: s.summary.params, text: s.summary.text },
    ...(s.lastError
      ? {
          lastError: {
            code: s.lastError.code,
            message: s.lastError.message,
            ...(s.lastError.key ? { key: s.lastError.key } : {}),
            at: s.lastError.at,
          },
        }
      : {}),
    ...(origin ? { origin } : {}),
    ...(side ? { listening: side.listening.up } : {}),
    ...(side?.listening.error ? { listenError: side.listening.error } : {}),
    ...(caa ? { caa: { status: caa.status, text: caa.summary.text } } : {}),
  });

  const publish = (s: TlsState = tls.state()) => {
    ctx.state.set('tls', s.name, info(s));
    // Edges, not levels, and once per certificate across restarts: one event (a push) when its
    // end comes within 14 days with renewal failing, one when it has passed.
    const once = (what: 'expires-soon' | 'expired', severity: 'warning' | 'critical') => {
      const key = `tls.notified.${what}`;
      if (ctx.kv.get<number>(key) === s.notAfter) return;
      ctx.kv.set(key, s.notAfter);
      ctx.events.append({
        kind: `tls.${what}`,
        severity,
        subject: s.name,
        message: s.summary.text,
        data: { key: s.summary.key, ...s.summary.params },
      });
    };
    if (s.expiresSoon && !last?.expiresSoon) once('expires-soon', 'warning');
    if (s.status === 'expired' && last?.status !== 'expired') once('expired', 'critical');
    last = s;
  };

  ctx.metrics.gauge(
    'lifeline_tls_certificate_not_after_seconds',
    "When the agent's certificate ends (Unix time; 0: none yet)",
    () => (tls.state().notAfter ?? 0) / 1000,
  );
  ctx.metrics.gauge(
    'lifeline_tls_renewal_failures',
    'Certificate renewal attempts failed in a row',
    () => tls.state().failures,
  );
  ctx.metrics.gauge('lifeline_tls_handshakes_total', 'TLS handshakes completed by the agent', () =>
    side ? side.terminator.counts.handshakes : 0,
  );
  ctx.metrics.gauge('lifeline_tls_handshake_failures_total', 'TLS handshakes that failed', () =>
    side ? side.terminator.counts.failures : 0,
  );

  const renew = defineAction(TlsRenew, {
    // Only ever asks the CA for a fresh copy of what the agent already holds.
    classify: () => ({ decision: 'allow' }),
    async run() {
      const s = await tls.renewNow();
      return { status: s.status, ...(s.notAfter !== undefined ? { notAfter: s.notAfter } : {}) };
    },
  });

  return {
    name: 'tls',
    actions: [renew],
    https(server: http.Server) {
      side = createHttpsSide({ name: config.name, source: tls.source, server, listen: config.listen, log });
      const s = side;
      return {
        ...s,
        name: s.name,
        sink: s.sink,
        terminator: s.terminator,
        listening: s.listening,
        async listen() {
          origin = await s.listen();
          publish();
          return origin;
        },
        close: () => s.close(),
      };
    },
    start() {
      started = true;
      unsubscribe.push(tls.onState((s) => publish(s)));
      tls.start();
      publish();
      // The CAA answer for the screens; `lifeline check` asks again.
      void tls
        .checkCaa()
        .then((r) => {
          caa = r;
          publish();
        })
        .catch(() => {});
    },
    stop() {
      for (const u of unsubscribe.splice(0)) u();
      tls.stop();
    },
    async check(): Promise<CheckRow[]> {
      // `lifeline check` does not start capabilities: read what is stored, plan nothing, ask no CA.
      if (!started) {
        tls.keeper.start();
        tls.keeper.stop();
      }
      const rows = await tls.check();
      if (side && config.listen.port !== 0)
        rows.push({
          name: 'tls.listen',
          status: side.listening.up ? 'ok' : 'warn',
          detail: side.listening.up
            ? `serving ${origin ?? config.name} on ${config.listen.host}:${side.listening.port}`
            : `not serving HTTPS on ${config.listen.host}:${config.listen.port}${side.listening.error ? `: ${side.listening.error}` : ''}`,
        });
      return rows;
    },
  };
}
