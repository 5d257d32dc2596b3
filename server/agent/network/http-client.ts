// The one way the network capability speaks HTTP(S): echo endpoints and DDNS APIs. A timeout on every
// request, a bounded body, an optional CA per endpoint, and an address family to pin (IPv4 / IPv6).
import http from 'node:http';
import https from 'node:https';
import { LifelineError } from '../../../shared/protocol/errors.js';

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** Connect over this family only (an echo endpoint asked for the IPv4 vs IPv6 address). */
  family?: 4 | 6;
  /** PEM text of a CA to trust for this request (instead of the system's). */
  ca?: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  body: string;
}

export type HttpClient = (req: HttpRequest) => Promise<HttpResponse>;

const MAX_BODY = 1 << 20;

export const httpClient: HttpClient = (req) =>
  new Promise((resolve, reject) => {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      reject(new LifelineError('bad-args', `not a URL: ${req.url}`));
      return;
    }
    const lib = url.protocol === 'https:' ? https : http;
    const r = lib.request(
      url,
      {
        method: req.method ?? 'GET',
        headers: { 'user-agent': 'lifeline', accept: '*/*', ...req.headers },
        ...(req.family ? { family: req.family } : {}),
        ...(req.ca ? { ca: req.ca } : {}),
        ...(req.signal ? { signal: req.signal } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) {
            r.destroy(new LifelineError('failed', `${url.host}: reply larger than 1 MiB`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', (err) => reject(describe(url, err)));
      },
    );
    r.setTimeout(req.timeoutMs, () =>
      r.destroy(new LifelineError('timeout', `${url.host}: no answer within ${req.timeoutMs / 1000} s`)),
    );
    r.on('error', (err) => reject(describe(url, err)));
    r.end(req.body);
  });

function describe(url: URL, err: unknown): LifelineError {
  if (err instanceof LifelineError) return err;
  const e = err as NodeJS.ErrnoException;
  const why =
    e.code === 'ECONNREFUSED'
      ? 'connection refused'
      : e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN'
        ? 'name not found'
        : e.code === 'ENETUNREACH' || e.code === 'EHOSTUNREACH' || e.code === 'EADDRNOTAVAIL'
          ? 'network unreachable'
          : e.code === 'ABORT_ERR'
            ? 'cancelled'
            : /CERT|SIGNATURE|SELF_SIGNED|ERR_TLS|ERR_SSL/.test(e.code ?? '')
              ? `TLS certificate not trusted (${e.code})`
              : (e.code ?? e.message ?? 'failed');
  return new LifelineError('unreachable', `${url.host}: ${why}`);
}
