// HTTP for the LAN drivers: a timeout on every request, and every failure turned into a clear
// per-plug error value (never an exception that escapes the plug). On node:http rather than fetch:
// fetch loads undici and compiles its WebAssembly HTTP parser, ~8 MiB of resident memory for an
// agent that polls a few plugs (bench/idle.mjs), where node:http is already loaded for the server.
import http from 'node:http';
import { LifelineError } from '../../../../shared/protocol/errors.js';
import { deviceError } from './device-errors.js';

export interface HttpAnswer {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

/** A device answers a few KiB; more than this is not a plug talking. */
const MAX_ANSWER_BYTES = 1 << 20;

/** `host`, `host:port` or a full URL → base URL without a trailing slash. */
export function baseUrl(address: string, defaultScheme = 'http'): string {
  const withScheme = /^[a-z]+:\/\//i.test(address) ? address : `${defaultScheme}://${address}`;
  return withScheme.replace(/\/+$/, '');
}

export async function httpRequest(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    return await request(url, init, combined);
  } catch (err) {
    throw networkError(err, timeout.aborted, url);
  }
}

async function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  signal: AbortSignal,
): Promise<HttpAnswer> {
  const target = new URL(url);
  // TLS only for the addresses that ask for it (a Home Assistant behind HTTPS).
  const client = target.protocol === 'https:' ? await import('node:https') : http;
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  const headers = { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) };
  signal.throwIfAborted();
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = client.request(target, { method: init.method ?? 'GET', headers });
    const settle = (err: unknown, answer?: HttpAnswer) => {
      signal.removeEventListener('abort', abort);
      if (answer) resolve(answer);
      else {
        reject(err);
        req.destroy();
      }
    };
    const abort = () => settle(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    req.on('error', (err) => settle(err));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_ANSWER_BYTES)
          settle(new LifelineError('failed', `${target.host} sent more than ${MAX_ANSWER_BYTES >> 10} KiB`));
        else chunks.push(chunk);
      });
      res.on('error', (err) => settle(err));
      // Cut off mid-answer: no 'end', only 'close'.
      res.on('close', () => {
        if (!res.complete) settle(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }));
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const get = (name: string) => {
          const v = res.headers[name.toLowerCase()];
          return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
        };
        settle(null, { status: res.statusCode ?? 0, headers: { get }, text });
      });
    });
    req.end(body);
  });
}

function networkError(err: unknown, timedOut: boolean, url: string): LifelineError {
  if (err instanceof LifelineError) return err;
  const host = safeHost(url);
  if (timedOut) return deviceError.timeout(host);
  const cause = (err as { cause?: { code?: string } })?.cause?.code ?? (err as { code?: string })?.code;
  const known = deviceError.ofSystemCode(host, cause);
  if (known) return known;
  if ((err as Error)?.name === 'AbortError') return new LifelineError('failed', 'cancelled');
  return deviceError.connect(host, cause ?? 'connection failed');
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the plug';
  }
}

/** Parses a JSON reply, or says plainly that the device answered something else. */
export function parseJson(text: string, who: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw deviceError.notJson(who);
  }
}

export function garbage(who: string, what: string): LifelineError {
  return deviceError.unexpected(who, what);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const finiteOrUndefined = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
