// A local HTTPS push service, as a browser vendor runs one: it accepts web-push POSTs, checks the
// VAPID signature, and lets the test decrypt each message with the subscription's private keys
// (RFC 8291 via http_ece) — the only party besides the phone that can.
import { createECDH, createPublicKey, randomBytes, verify } from 'node:crypto';
import https from 'node:https';
// @ts-expect-error http_ece ships no types
import ece from 'http_ece';
import type { PushPayload } from '../../shared/protocol/push.js';
import { makeCerts, type TestCerts } from './tls.js';

export interface ReceivedPush {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  at: number;
}

export interface TestSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
  /** Decrypts a message sent to this subscription. */
  decrypt(body: Buffer): string;
}

export interface PushService {
  url: string;
  cert: TestCerts;
  received: ReceivedPush[];
  /** Decides the answer per request (default 201). */
  respond: (req: ReceivedPush) => { status: number; headers?: Record<string, string> };
  subscription(name: string): TestSubscription;
  /** Checks a request's VAPID header: signed by `publicKey`, audience = this service's origin. */
  vapidValid(req: ReceivedPush, publicKey: string): boolean;
  close(): Promise<void>;
}

export async function startPushService(): Promise<PushService> {
  const cert = makeCerts();
  const received: ReceivedPush[] = [];
  const server = https.createServer({ cert: cert.cert, key: cert.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: ReceivedPush = {
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      received.push(r);
      const answer = svc.respond(r);
      res.writeHead(answer.status, answer.headers ?? {}).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const origin = `https://127.0.0.1:${(server.address() as { port: number }).port}`;
  const svc: PushService = {
    url: origin,
    cert,
    received,
    respond: () => ({ status: 201 }),
    subscription(name) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const auth = randomBytes(16);
      return {
        endpoint: `${origin}/push/${name}`,
        p256dh: ecdh.getPublicKey().toString('base64url'),
        auth: auth.toString('base64url'),
        decrypt: (body) =>
          ece
            .decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth.toString('base64url') })
            .toString('utf8'),
      };
    },
    vapidValid(req, publicKey) {
      const m = /^vapid t=([^,]+), k=(.+)$/.exec(String(req.headers.authorization ?? ''));
      if (!m || m[2] !== publicKey) return false;
      const [h, p, s] = m[1]!.split('.');
      const pub = Buffer.from(publicKey, 'base64url');
      const key = createPublicKey({
        format: 'jwk',
        key: {
          kty: 'EC',
          crv: 'P-256',
          x: pub.subarray(1, 33).toString('base64url'),
          y: pub.subarray(33).toString('base64url'),
        },
      });
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as { aud: string };
      return (
        claims.aud === origin &&
        verify(
          'sha256',
          Buffer.from(`${h}.${p}`),
          { key, dsaEncoding: 'ieee-p1363' },
          Buffer.from(s!, 'base64url'),
        )
      );
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      cert.remove();
    },
  };
  return svc;
}

/**
 * What a push says: the payload inside the agent's signed envelope, or null for an empty push (the
 * relay's own notice). The signature itself is checked in sealed-notices.test.ts and the worker.
 */
export function payloadOf(sub: TestSubscription, body: Buffer): PushPayload | null {
  if (body.length === 0) return null;
  return JSON.parse((JSON.parse(sub.decrypt(body)) as { d: string }).d) as PushPayload;
}
