// The `tls:` config piece: defaults, and bad input refused with a message that says what to write.
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { LETS_ENCRYPT, TlsSchema } from '../../../../server/agent/tls/config.js';

const issues = (input: unknown) => {
  const r = v.safeParse(TlsSchema, input);
  return r.success ? [] : r.issues.map((i) => `${v.getDotPath(i) ?? ''}: ${i.message}`);
};

describe('tls config', () => {
  it('needs only the name; Let’s Encrypt production, the system resolver, port 53 and HTTPS on 443 by default', () => {
    expect(v.parse(TlsSchema, { name: 'Home.Example.com' })).toEqual({
      name: 'home.example.com',
      directory: LETS_ENCRYPT,
      resolver: 'system',
      authoritativePort: 53,
      listen: { host: '0.0.0.0', port: 443 },
    });
  });

  it('takes its own DNS provider, checked like network.ddns', () => {
    const ok = v.parse(TlsSchema, {
      name: 'home.example.com',
      provider: { provider: 'rfc2136', server: '192.0.2.53', key: { name: 'k', secret: 'c2VjcmV0' } },
    });
    expect(ok.provider).toMatchObject({ provider: 'rfc2136', ttl: 60, key: { algorithm: 'hmac-sha256' } });
    expect(
      issues({
        name: 'home.example.com',
        provider: { provider: 'rfc2136', key: { name: 'k', secret: 'x' } },
      }),
    ).toEqual(['provider.server: rfc2136 needs the primary server, e.g. ns1.example.com or 192.0.2.53:53']);
    expect(issues({ name: 'home.example.com', provider: { provider: 'cloudflare' } })).toEqual([
      'provider.token: cloudflare needs either token or tokenFile',
    ]);
  });

  it('refuses a plain-http CA off loopback, a one-label name, unknown keys and bad values', () => {
    expect(issues({ name: 'home.example.com', directory: 'http://ca.example.com/dir' })).toEqual([
      'directory: https (plain http only on loopback)',
    ]);
    expect(issues({ name: 'home.example.com', directory: 'http://127.0.0.1:14000/dir' })).toEqual([]);
    expect(issues({ name: 'home' })[0]).toMatch(/^name: a DNS name with at least two labels/);
    expect(issues({ name: 'home.example.com', renew: 30 })[0]).toMatch(/^renew: /);
    expect(issues({ name: 'home.example.com', renewDays: 0 })[0]).toMatch(/^renewDays: /);
    expect(issues({ name: 'home.example.com', email: 'nope' })).toEqual(['email: an e-mail address']);
    expect(issues({ name: 'home.example.com', resolver: 'dns.google' })[0]).toMatch(
      /^resolver: system, or a resolver IP/,
    );
  });
});
