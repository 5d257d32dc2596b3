// Keeps one certificate for the owner's name: obtains it, renews it at two thirds of its lifetime,
// and after a failure retries with capped, jittered backoff that never gives up. The certificate in
// place is served until a new one is stored; listeners then get the new pair (no restart).

import { backoffDelay } from '../../../shared/backoff.js';
import { LifelineError } from '../../../shared/protocol/errors.js';
import type { Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import type { Issuer } from './acme-issuer.js';
import { newKey } from './acme-issuer.js';
import { type CertificateInfo, EXPIRY_WARNING_MS, inspect, renewalDue } from './certificate.js';
import type { Dns01 } from './dns-challenge.js';
import type { CertificatePair, TlsFiles } from './files.js';
import { message, tlsError } from './messages.js';
import type { CertificateSource, TlsState } from './source.js';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface KeeperDeps {
  name: string;
  directory: string;
  email?: string | undefined;
  renewDays?: number | undefined;
  files: TlsFiles;
  issuer: Issuer;
  dns: Dns01;
  clock: Clock;
  log: Logger;
  timers?: Timers;
  random?: () => number;
  /** Backoff after a failed attempt: the first wait and the cap (jittered ±20 %). */
  retry?: { firstMs: number; maxMs: number };
}

// Let's Encrypt counts failed validations per name per hour; two minutes doubling to six hours
// stays far below that while still fixing a short DNS or CA outage within minutes.
const RETRY = { firstMs: 120_000, maxMs: 6 * 3_600_000 };
/** setTimeout's limit (~24.8 days); longer waits wake up and plan again. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export class CertificateKeeper implements CertificateSource {
  private pair: CertificatePair | undefined;
  private info: CertificateInfo | undefined;
  private accountUrl: string | undefined;
  private failures = 0;
  private lastError: TlsState['lastError'];
  private lastRenewedAt: number | undefined;
  private retryAt: number | undefined;
  private running: Promise<void> | undefined;
  private timer: unknown;
  private stopped = true;
  private readonly changeListeners = new Set<(pair: CertificatePair) => void>();
  private readonly stateListeners = new Set<(state: TlsState) => void>();
  private readonly timers: Timers;
  private readonly log: Logger;

  constructor(private readonly deps: KeeperDeps) {
    this.timers = deps.timers ?? realTimers;
    this.log = deps.log;
  }

  /** Loads what is stored and plans the next renewal (at once when there is no usable certificate). */
  start(): void {
    this.stopped = false;
    const account = this.deps.files.account();
    if (account?.directory === this.deps.directory) this.accountUrl = account.url;
    const stored = this.deps.files.certificate();
    if (stored)
      try {
        this.info = inspect(stored);
        this.pair = stored;
        // A terminator made before start (the agent's HTTPS side) serves it from now on.
        this.changed(stored);
      } catch (err) {
        this.log.warn(`stored certificate not used: ${(err as Error).message}`);
      }
    this.publish();
    this.plan();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  current(): CertificatePair | undefined {
    return this.pair;
  }

  onChange(listener: (pair: CertificatePair) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onState(listener: (state: TlsState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Runs an attempt now (joins the one running); resolves with the state afterwards. */
  async renewNow(): Promise<TlsState> {
    if (!this.running) {
      this.running = this.attempt().finally(() => {
        this.running = undefined;
        this.publish();
        this.plan();
      });
      this.publish();
    }
    await this.running;
    return this.state();
  }

  state(): TlsState {
    const now = this.deps.clock.now();
    const info = this.info;
    const expired = info !== undefined && now >= info.notAfter;
    const expiresSoon = info !== undefined && !expired && info.notAfter - now <= EXPIRY_WARNING_MS;
    const status: TlsState['status'] = this.running
      ? 'renewing'
      : !info
        ? this.failures > 0
          ? 'retrying'
          : 'none'
        : expired
          ? 'expired'
          : this.failures > 0
            ? 'retrying'
            : 'valid';
    const next = this.nextAt();
    const iso = (t: number) => new Date(t).toISOString();
    const name = this.deps.name;
    const summary = !info
      ? message('tls.status.none', { name })
      : expired
        ? message('tls.status.expired', { name, notAfter: iso(info.notAfter) })
        : expiresSoon
          ? message('tls.status.expires-soon', {
              name,
              notAfter: iso(info.notAfter),
              days: Math.max(0, Math.floor((info.notAfter - now) / 86_400_000)),
            })
          : message('tls.status.valid', { name, notAfter: iso(info.notAfter), renewAt: iso(next) });
    return {
      name,
      status,
      ...(info
        ? { issuer: info.issuer, notBefore: info.notBefore, notAfter: info.notAfter, serial: info.serial }
        : {}),
      ...(this.stopped || this.running ? {} : { nextRenewalAt: next }),
      expiresSoon,
      failures: this.failures,
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.lastRenewedAt ? { lastRenewedAt: this.lastRenewedAt } : {}),
      ...(this.accountUrl ? { accountUrl: this.accountUrl } : {}),
      summary,
    };
  }

  /** The ACME account URL once known (for the CAA check). */
  account(): string | undefined {
    return this.accountUrl;
  }

  /** When the next attempt is due: a pending retry, else the renewal point; now if nothing usable. */
  private nextAt(): number {
    const now = this.deps.clock.now();
    if (this.retryAt !== undefined) return this.retryAt;
    const info = this.info;
    if (!info?.names.includes(this.deps.name)) return now;
    return renewalDue(info, this.deps.renewDays);
  }

  private plan(): void {
    if (this.stopped) return;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    const now = this.deps.clock.now();
    const due = this.nextAt();
    // Also wake when the 14-day condition starts and at expiry, so the published state flips on time.
    const wakeups = [due];
    if (this.info) wakeups.push(this.info.notAfter - EXPIRY_WARNING_MS, this.info.notAfter);
    const at = Math.min(...wakeups.filter((t) => t > now), due);
    const delay = Math.min(Math.max(0, at - now), MAX_TIMER_MS);
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      if (this.stopped) return;
      if (this.nextAt() <= this.deps.clock.now()) void this.renewNow();
      else {
        this.publish();
        this.plan();
      }
    }, delay);
  }

  private async attempt(): Promise<void> {
    const { files, name } = this.deps;
    try {
      let accountKey = files.accountKey();
      if (!accountKey) {
        accountKey = newKey();
        files.saveAccountKey(accountKey);
      }
      const certKey = newKey();
      const issued = await this.deps.issuer.issue(
        { name, accountKey, certKey, email: this.deps.email },
        this.deps.dns,
      );
      const pair = { cert: issued.chain, key: certKey };
      const info = inspect(pair);
      if (!info.names.includes(name))
        throw tlsError('failed', 'tls.wrong-name', { name, names: info.names.join(', ') || 'no name' });
      if (issued.accountUrl !== this.accountUrl) {
        files.saveAccount({ url: issued.accountUrl, directory: this.deps.directory });
        this.accountUrl = issued.accountUrl;
      }
      files.saveCertificate(pair);
      this.pair = pair;
      this.info = info;
      this.failures = 0;
      this.retryAt = undefined;
      this.lastError = undefined;
      this.lastRenewedAt = this.deps.clock.now();
      this.log.info(
        `certificate for ${name} from ${info.issuer}, valid until ${new Date(info.notAfter).toISOString()}`,
      );
      this.changed(pair);
    } catch (err) {
      const e = err instanceof LifelineError ? err : new LifelineError('internal', (err as Error).message);
      this.failures++;
      const now = this.deps.clock.now();
      const { firstMs, maxMs } = this.deps.retry ?? RETRY;
      const wait = backoffDelay(
        { steps: { firstMs, maxMs }, jitter: [0.8, 1.2] },
        this.failures - 1,
        this.deps.random,
      );
      this.retryAt = now + Math.round(wait);
      this.lastError = {
        code: e.code,
        message: e.message,
        ...(typeof e.params?.key === 'string' ? { key: e.params.key } : {}),
        ...(e.params ? { params: e.params } : {}),
        at: now,
      };
      this.log.warn(
        `certificate for ${name} not obtained (attempt ${this.failures}): ${e.message}; next try at ${new Date(this.retryAt).toISOString()}`,
      );
    }
  }

  private changed(pair: CertificatePair): void {
    for (const l of this.changeListeners)
      try {
        l(pair);
      } catch (err) {
        this.log.error(`a certificate listener failed: ${(err as Error).message}`);
      }
  }

  private publish(): void {
    const s = this.state();
    for (const l of this.stateListeners)
      try {
        l(s);
      } catch (err) {
        this.log.error(`a TLS state listener failed: ${(err as Error).message}`);
      }
  }
}
