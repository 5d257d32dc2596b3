// The TLS capability's parts, put together from the `tls:` config: the DNS-01 challenge through the
// owner's DNS provider, the ACME issuer, the keeper (certificate source + state), and the CAA check.
// The agent's composition root calls createTls and hands `source` to the HTTPS server.
import { readFileSync } from 'node:fs';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import type { CheckRow } from '../capability.js';
import type { TxtWriter } from '../network/ddns/provider.js';
import { authoritativeFinder } from '../network/dns/authoritative.js';
import { dnsClient } from '../network/dns/query.js';
import { type HttpClient, httpClient } from '../network/http-client.js';
import { acmeIssuer, type Issuer } from './acme-issuer.js';
import { type CaaLookup, type CaaReport, caaLookup, checkCaa } from './caa.js';
import type { TlsConfig } from './config.js';
import { dns01, type TxtLookup } from './dns-challenge.js';
import { tlsFiles } from './files.js';
import { CertificateKeeper, type Timers } from './keeper.js';
import { message, tlsError } from './messages.js';
import type { CertificateSource, TlsState } from './source.js';
import { dnsProviderFor } from './txt-provider.js';

export interface TlsTimings {
  /** How long the TXT may take to appear at the authoritative servers in one attempt. */
  visibleWithinMs: number;
  pollMs: number;
  retry: { firstMs: number; maxMs: number };
  acmePoll: { minMs: number; maxMs: number; attempts: number };
  requestTimeoutMs: number;
}

export const DEFAULT_TIMINGS: TlsTimings = {
  visibleWithinMs: 300_000,
  pollMs: 2_000,
  retry: { firstMs: 120_000, maxMs: 6 * 3_600_000 },
  acmePoll: { minMs: 1_000, maxMs: 10_000, attempts: 12 },
  requestTimeoutMs: 30_000,
};

export interface TlsDeps {
  config: TlsConfig;
  dataDir: string;
  /** The DNS provider for the TXT when `tls.provider` is absent (the one of `network.ddns`). */
  txt?: TxtWriter | undefined;
  clock: Clock;
  log: Logger;
  http?: HttpClient;
  timings?: Partial<TlsTimings>;
  timers?: Timers;
  random?: () => number;
  /** Seams for tests; default: real DNS through `tls.resolver`, and acme-client. */
  txtLookup?: TxtLookup;
  caa?: CaaLookup;
  issuer?: Issuer;
}

export interface Tls {
  readonly source: CertificateSource;
  readonly keeper: CertificateKeeper;
  state(): TlsState;
  onState(listener: (state: TlsState) => void): () => void;
  renewNow(): Promise<TlsState>;
  checkCaa(): Promise<CaaReport>;
  /** Rows for `lifeline check`: the certificate and CAA. */
  check(): Promise<CheckRow[]>;
  start(): void;
  stop(): void;
}

export function createTls(deps: TlsDeps): Tls {
  const { config, log } = deps;
  const t = { ...DEFAULT_TIMINGS, ...deps.timings };
  const own = config.provider
    ? dnsProviderFor(config.provider, config.name, deps.http ?? httpClient)
    : undefined;
  const provider = own ?? deps.txt;
  if (!provider) throw tlsError('bad-args', 'tls.no-provider');
  let ca: string | undefined;
  if (config.caFile)
    try {
      ca = readFileSync(config.caFile, 'utf8');
    } catch {
      throw new Error(`tls.caFile: cannot read ${config.caFile}`);
    }
  const resolver = config.resolver === 'system' ? undefined : config.resolver;
  const finder = authoritativeFinder(
    dnsClient({ label: config.resolver, ...(resolver ? { address: resolver } : {}) }),
    config.authoritativePort,
    () => deps.clock.now(),
  );
  const issuer =
    deps.issuer ??
    acmeIssuer({
      directory: config.directory,
      ca,
      requestTimeoutMs: t.requestTimeoutMs,
      poll: t.acmePoll,
    });
  const challenge = dns01({
    txt: provider,
    servers: (record) => finder.servers(record),
    ...(deps.txtLookup ? { lookup: deps.txtLookup } : {}),
    visibleWithinMs: t.visibleWithinMs,
    pollMs: t.pollMs,
    onLeftover: (record, reason) => log.warn(message('tls.txt-remove-failed', { record, reason }).text),
  });
  const keeper = new CertificateKeeper({
    name: config.name,
    directory: config.directory,
    email: config.email,
    renewDays: config.renewDays,
    files: tlsFiles(deps.dataDir),
    issuer,
    dns: challenge,
    clock: deps.clock,
    log,
    retry: t.retry,
    ...(deps.timers ? { timers: deps.timers } : {}),
    ...(deps.random ? { random: deps.random } : {}),
  });
  const lookupCaa = deps.caa ?? caaLookup(config.resolver);

  const caaReport = async (): Promise<CaaReport> => {
    const accountUrl = keeper.account();
    if (!accountUrl) return { status: 'unknown', ok: false, issue: [], summary: message('caa.no-account') };
    const identity = config.caaIdentity ?? (await issuer.caaIdentities().catch(() => []))[0];
    if (!identity) return { status: 'unknown', ok: false, issue: [], summary: message('caa.no-identity') };
    return checkCaa({ name: config.name, ca: identity, accountUrl, lookup: lookupCaa });
  };

  return {
    source: keeper,
    keeper,
    state: () => keeper.state(),
    onState: (l) => keeper.onState(l),
    renewNow: () => keeper.renewNow(),
    checkCaa: caaReport,
    async check() {
      const s = keeper.state();
      const cert: CheckRow = {
        name: 'tls',
        status:
          s.status === 'none' || s.status === 'expired'
            ? 'fail'
            : s.status === 'retrying' || s.expiresSoon
              ? 'warn'
              : 'ok',
        detail: s.lastError ? `${s.summary.text}; last attempt: ${s.lastError.message}` : s.summary.text,
      };
      const caa = await caaReport();
      const caaRow: CheckRow = {
        name: 'tls.caa',
        status:
          caa.status === 'pinned'
            ? 'ok'
            : caa.status === 'blocked' || caa.status === 'wrong-account'
              ? 'fail'
              : 'warn',
        detail: caa.summary.text,
      };
      return [cert, caaRow];
    },
    start: () => keeper.start(),
    stop() {
      keeper.stop();
      own?.stop?.();
    },
  };
}
