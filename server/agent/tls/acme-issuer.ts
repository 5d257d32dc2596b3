// One ACME (RFC 8555) issuance with the `acme-client` package: account (registered, or found again by
// its key), order, the DNS-01 challenge through the owner's DNS provider, finalize, download.
// Retrying is the keeper's job alone: acme-client's own retries (up to 75 s per request) are off.
import { generateKeyPairSync } from 'node:crypto';
import https from 'node:https';
import acme from 'acme-client';
import { LifelineError } from '../../../shared/protocol/errors.js';
import type { Dns01 } from './dns-challenge.js';
import { tlsError } from './messages.js';

export interface IssueRequest {
  name: string;
  accountKey: string;
  certKey: string;
  email?: string | undefined;
}

export interface Issued {
  /** Leaf certificate and chain, PEM. */
  chain: string;
  accountUrl: string;
}

export interface Issuer {
  issue(req: IssueRequest, dns: Dns01): Promise<Issued>;
  /** The CA's CAA issuer domains from its directory (`meta.caaIdentities`); empty if it names none. */
  caaIdentities(): Promise<string[]>;
}

export interface AcmeIssuerOptions {
  directory: string;
  /** PEM to trust for the CA's own HTTPS endpoint (a test CA); default: the system's roots. */
  ca?: string | undefined;
  /** Per HTTP request to the CA. */
  requestTimeoutMs?: number;
  /** Polling an order or challenge for its outcome: first wait, longest wait, attempts. */
  poll?: { minMs: number; maxMs: number; attempts: number };
}

const REQUEST_TIMEOUT_MS = 30_000;
const POLL = { minMs: 1_000, maxMs: 10_000, attempts: 12 };

/** A fresh EC P-256 key (PKCS#8 PEM): ES256 for the account, ECDSA for the certificate. */
export function newKey(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

// acme-client talks through one shared axios instance; a CA's trust and timeout are attached per
// origin here, so trusting a test CA never widens trust for anything else.
const perOrigin = new Map<string, { agent?: https.Agent; timeoutMs: number }>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  (
    acme.axios.defaults as unknown as { acmeSettings: { retryMaxAttempts: number } }
  ).acmeSettings.retryMaxAttempts = 0;
  acme.axios.interceptors.request.use((config) => {
    const origin = originOf(config.url);
    const o = origin ? perOrigin.get(origin) : undefined;
    if (o?.agent) config.httpsAgent = o.agent;
    config.timeout = config.timeout || o?.timeoutMs || REQUEST_TIMEOUT_MS;
    return config;
  });
}

function originOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}

const UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * GET the directory with node's https: each attempt starts with it, so a CA that is down or
 * untrusted is reported with its real cause. (acme-client 5.4.0 turns a failed connection into
 * "Cannot read properties of undefined (reading 'config')", publishlab/node-acme-client#101.)
 */
function getDirectory(url: string, ca: string | undefined, timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { agent: false, timeout: timeoutMs, ...(ca ? { ca } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 65_536) body += c;
      });
      res.on('end', () => {
        if (res.statusCode !== 200)
          return reject(Object.assign(new Error(''), { response: { status: res.statusCode } }));
        try {
          resolve(JSON.parse(body));
        } catch {
          reject(new Error(`the directory at ${url} is not JSON`));
        }
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', reject);
  });
}

/** Turns what axios or acme-client throws into a LifelineError that says whose fault it is. */
export function explain(err: unknown, directory: string): LifelineError {
  if (err instanceof LifelineError) return err;
  const host = new URL(directory).host;
  const e = err as { code?: string; message?: string; isAxiosError?: boolean };
  if (e.code && UNTRUSTED.has(e.code))
    return tlsError('failed', 'tls.ca-untrusted', { host, reason: e.code });
  const status = (err as { response?: { status?: number } }).response?.status;
  if (status) return tlsError('failed', 'tls.ca-refused', { detail: `HTTP ${status} from ${host}` });
  if (e.isAxiosError || (e.code && /^E[A-Z]+$/.test(e.code))) {
    const reason =
      e.code === 'ECONNREFUSED'
        ? 'connection refused'
        : e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT'
          ? 'no answer (timeout)'
          : e.code === 'ENOTFOUND'
            ? 'unknown host'
            : (e.code ?? e.message ?? 'network error');
    return tlsError(e.code === 'ECONNABORTED' ? 'timeout' : 'unreachable', 'tls.ca-unreachable', {
      host,
      reason,
    });
  }
  if (err instanceof TypeError && /reading 'config'/.test(err.message))
    return tlsError('unreachable', 'tls.ca-unreachable', { host, reason: 'the connection failed' });
  // acme-client throws the CA's problem detail (RFC 7807) as the message.
  const detail = (e.message ?? 'unknown error').slice(0, 300);
  return tlsError('failed', 'tls.ca-refused', { detail });
}

export function acmeIssuer(opts: AcmeIssuerOptions): Issuer {
  install();
  const origin = new URL(opts.directory).origin;
  perOrigin.set(origin, {
    ...(opts.ca ? { agent: new https.Agent({ ca: opts.ca, keepAlive: false }) } : {}),
    timeoutMs: opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS,
  });
  const poll = opts.poll ?? POLL;
  const timeoutMs = opts.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;

  return {
    async issue(req, dns) {
      try {
        await getDirectory(opts.directory, opts.ca, timeoutMs);
        const client = new acme.Client({
          directoryUrl: opts.directory,
          accountKey: req.accountKey,
          backoffAttempts: poll.attempts,
          backoffMin: poll.minMs,
          backoffMax: poll.maxMs,
        });
        // The account is looked up by its key every time: that finds it again for a CA that lost
        // track of the URL we stored, makes it again for one that forgot it, and yields the URL
        // that CAA's accounturi must name.
        const contact = req.email ? { contact: [`mailto:${req.email}`] } : undefined;
        let known = true;
        try {
          await client.createAccount({ onlyReturnExisting: true });
        } catch (err) {
          const e = explain(err, opts.directory);
          if (e.params?.key !== 'tls.ca-refused') throw e;
          known = false;
        }
        if (!known) await client.createAccount({ termsOfServiceAgreed: true, ...contact });
        else if (contact) await client.updateAccount(contact);
        const accountUrl = client.getAccountUrl();
        const order = await client.createOrder({ identifiers: [{ type: 'dns', value: req.name }] });
        for (const authz of await client.getAuthorizations(order)) {
          if (authz.status === 'valid') continue;
          const challenge = authz.challenges.find((c) => c.type === 'dns-01');
          if (!challenge) throw tlsError('unsupported', 'tls.no-dns01', { name: authz.identifier.value });
          const value = await client.getChallengeKeyAuthorization(challenge);
          const record = `_acme-challenge.${authz.identifier.value}`;
          await dns.present(record, value);
          try {
            await client.completeChallenge(challenge);
            await client.waitForValidStatus(challenge);
          } finally {
            await dns.cleanup(record, value);
          }
        }
        const [, csr] = await acme.crypto.createCsr(
          { commonName: req.name, altNames: [req.name] },
          req.certKey,
        );
        const finalized = await client.finalizeOrder(order, csr);
        const chain = await client.getCertificate(finalized);
        return { chain, accountUrl };
      } catch (err) {
        throw explain(err, opts.directory);
      }
    },
    async caaIdentities() {
      try {
        const dir = (await getDirectory(opts.directory, opts.ca, timeoutMs)) as {
          meta?: { caaIdentities?: unknown };
        };
        const ids = dir?.meta?.caaIdentities;
        return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
      } catch (err) {
        throw explain(err, opts.directory);
      }
    },
  };
}
