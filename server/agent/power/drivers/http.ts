// HTTP for the LAN drivers: a timeout on every request, and every failure turned into a clear
// per-plug error value (never an exception that escapes the plug).
import { LifelineError } from '../../../../shared/protocol/errors.js';

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

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
    const res = await fetch(url, { ...init, signal: combined, redirect: 'manual' });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text };
  } catch (err) {
    throw networkError(err, timeout.aborted, url);
  }
}

function networkError(err: unknown, timedOut: boolean, url: string): LifelineError {
  const host = safeHost(url);
  if (timedOut) return new LifelineError('timeout', `${host} did not answer in time`);
  const cause = (err as { cause?: { code?: string } })?.cause?.code ?? (err as { code?: string })?.code;
  if (cause === 'ECONNREFUSED') return new LifelineError('unreachable', `${host} refused the connection`);
  if (cause === 'EHOSTUNREACH' || cause === 'ENETUNREACH')
    return new LifelineError('unreachable', `${host} is not reachable on the network`);
  if (cause === 'ENOTFOUND' || cause === 'EAI_AGAIN')
    return new LifelineError('unreachable', `${host}: name not found`);
  if ((err as Error)?.name === 'AbortError') return new LifelineError('failed', 'cancelled');
  return new LifelineError('unreachable', `${host}: ${cause ?? 'connection failed'}`);
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
    throw new LifelineError('failed', `${who} sent a reply that is not JSON`);
  }
}

export function garbage(who: string, what: string): LifelineError {
  return new LifelineError('failed', `${who} sent an unexpected reply (${what})`);
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const finiteOrUndefined = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
