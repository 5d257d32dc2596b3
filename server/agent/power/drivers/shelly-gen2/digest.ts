// HTTP Digest authentication (RFC 7616) with SHA-256, as Shelly Gen2+ devices require.
// Kept by hand: the npm digest clients are stale or MD5-only, and this is 40 lines.
import { createHash, randomBytes } from 'node:crypto';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  qop?: string;
  opaque?: string;
  algorithm: string;
}

/** Parses `WWW-Authenticate: Digest realm="…", nonce="…", …`; undefined when it is not Digest. */
export function parseDigestChallenge(header: string | null): DigestChallenge | undefined {
  if (!header || !/^digest\s/i.test(header)) return undefined;
  const params: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/([a-z0-9_-]+)\s*=\s*(?:"([^"]*)"|([^\s,]+))/gi))
    params[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? '';
  if (!params.realm || !params.nonce) return undefined;
  return {
    realm: params.realm,
    nonce: params.nonce,
    ...(params.qop ? { qop: params.qop } : {}),
    ...(params.opaque ? { opaque: params.opaque } : {}),
    algorithm: params.algorithm ?? 'MD5',
  };
}

const hash = (algorithm: string, text: string) =>
  createHash(/sha-?256/i.test(algorithm) ? 'sha256' : 'md5')
    .update(text)
    .digest('hex');

/** The `Authorization` header for one request; `nc` counts requests made with this nonce. */
export function digestAuthorization(
  c: DigestChallenge,
  user: string,
  password: string,
  method: string,
  uri: string,
  nc: number,
): string {
  const ha1 = hash(c.algorithm, `${user}:${c.realm}:${password}`);
  const ha2 = hash(c.algorithm, `${method}:${uri}`);
  const cnonce = randomBytes(8).toString('hex');
  const ncText = nc.toString(16).padStart(8, '0');
  const qop = c.qop
    ?.split(',')
    .map((q) => q.trim())
    .includes('auth')
    ? 'auth'
    : undefined;
  const response = qop
    ? hash(c.algorithm, `${ha1}:${c.nonce}:${ncText}:${cnonce}:${qop}:${ha2}`)
    : hash(c.algorithm, `${ha1}:${c.nonce}:${ha2}`);
  const parts = [
    `username="${user}"`,
    `realm="${c.realm}"`,
    `nonce="${c.nonce}"`,
    `uri="${uri}"`,
    `algorithm=${c.algorithm}`,
    `response="${response}"`,
  ];
  if (qop) parts.push(`qop=${qop}`, `nc=${ncText}`, `cnonce="${cnonce}"`);
  if (c.opaque) parts.push(`opaque="${c.opaque}"`);
  return `Digest ${parts.join(', ')}`;
}
