// Delivers an already-encrypted Web Push message (RFC 8291 aes128gcm body) to a push service,
// adding only the VAPID authorisation (RFC 8292). The relay never sees what the body says.

import { generateKeyPairSync } from 'node:crypto';
import https from 'node:https';
import { webPush } from '../web-push.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

export interface PushRequest {
  endpoint: string;
  body: Uint8Array;
  ttl: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  topic?: string | undefined;
}

export type PushOutcome =
  | { kind: 'delivered' }
  | { kind: 'gone'; status: number }
  | { kind: 'too-large' }
  | { kind: 'retry'; afterMs: number; detail: string }
  | { kind: 'rejected'; detail: string };

/** One HTTPS POST; injectable so tests can trust their own push service's certificate. */
export type PushTransport = (
  url: string,
  headers: Record<string, string>,
  body: Uint8Array,
) => Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }>;

export function httpsTransport(opts: { ca?: string | Buffer } = {}): PushTransport {
  return (url, headers, body) =>
    new Promise((resolve, reject) => {
      const req = https.request(
        url,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(body.length) },
          timeout: 15_000,
          ...(opts.ca ? { ca: opts.ca } : {}),
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => {
            if (text.length < 2000) text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('push service timed out')));
      req.on('error', reject);
      req.end(body);
    });
}

/** A VAPID key pair (P-256): the public key as the uncompressed point, both base64url, as web-push makes them. */
export function generateVapidKeys(subject: string): VapidKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pub = publicKey.export({ format: 'jwk' });
  const priv = privateKey.export({ format: 'jwk' });
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(pub.x ?? '', 'base64url'),
    Buffer.from(pub.y ?? '', 'base64url'),
  ]);
  return { publicKey: point.toString('base64url'), privateKey: priv.d ?? '', subject };
}

export function retryAfterMs(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class PushSender {
  constructor(
    private readonly vapid: VapidKeys,
    private readonly transport: PushTransport,
  ) {}

  async send(req: PushRequest, now = Date.now()): Promise<PushOutcome> {
    let url: URL;
    try {
      url = new URL(req.endpoint);
    } catch {
      return { kind: 'rejected', detail: 'invalid endpoint' };
    }
    if (url.protocol !== 'https:') return { kind: 'rejected', detail: 'push endpoints must be https' };
    const vapid = (await webPush()).getVapidHeaders(
      url.origin,
      this.vapid.subject,
      this.vapid.publicKey,
      this.vapid.privateKey,
      'aes128gcm',
    );
    const headers: Record<string, string> = {
      authorization: vapid.Authorization,
      ttl: String(req.ttl),
      urgency: req.urgency,
      // An empty push (the relay's own, unsealed notice) has no content to describe.
      ...(req.body.length > 0
        ? { 'content-encoding': 'aes128gcm', 'content-type': 'application/octet-stream' }
        : {}),
      ...(req.topic ? { topic: req.topic } : {}),
    };
    let res: Awaited<ReturnType<PushTransport>>;
    try {
      res = await this.transport(req.endpoint, headers, req.body);
    } catch (err) {
      return { kind: 'retry', afterMs: 0, detail: (err as Error).message };
    }
    if (res.status >= 200 && res.status < 300) return { kind: 'delivered' };
    if (res.status === 404 || res.status === 410) return { kind: 'gone', status: res.status };
    if (res.status === 413) return { kind: 'too-large' };
    if (res.status === 429 || res.status >= 500)
      return {
        kind: 'retry',
        afterMs: retryAfterMs(res.headers['retry-after'], now) ?? 0,
        detail: `HTTP ${res.status}`,
      };
    return { kind: 'rejected', detail: `HTTP ${res.status} ${res.text.slice(0, 200)}` };
  }
}
