// The net section of lifeline.yaml: the SPEC's single `ddns`, DDNS per name, and errors that say
// what a provider needs — never a silent misconfiguration of the one service that must not fail.
import { describe, expect, it } from 'vitest';
import { planFrom } from '../../../../server/agent/network/plan.js';
import { ConfigError, parseConfig } from '../../../../server/config/load.js';

function problems(yaml: string) {
  try {
    parseConfig(yaml, 'x.yaml', {});
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('net config', () => {
  it('accepts the SPEC form and DDNS per name, and watches every DDNS record', () => {
    const { config } = parseConfig(
      [
        'net:',
        '  names:',
        '    - home.example.com',
        '    - name: nas.duckdns.org',
        '      ddns: { provider: duckdns, tokenFile: /run/secrets/duck, ipVersion: both }',
        '  resolvers: [system, 1.1.1.1, "127.0.0.1:5353", "[2606:4700::1111]:53", authoritative]',
        '  ddns: { provider: cloudflare, token: abc }',
      ].join('\n'),
      'x.yaml',
      {},
    );
    const plan = planFrom(config.network);
    expect(plan.enabled).toBe(true);
    expect(plan.ddns.map((d) => [d.record, d.config.provider, d.families])).toEqual([
      ['nas.duckdns.org', 'duckdns', ['ipv4', 'ipv6']],
      ['home.example.com', 'cloudflare', ['ipv4']],
    ]);
    expect(plan.names).toEqual([
      { name: 'home.example.com', judged: ['ipv4'] },
      { name: 'nas.duckdns.org', judged: ['ipv4', 'ipv6'] },
    ]);
    expect(plan.echo.length).toBeGreaterThan(1);
    expect(plan.router).toEqual({ upnp: 'auto', natpmp: 'auto' });
  });

  it('contacts nobody when no name is configured (the default config)', () => {
    const { config } = parseConfig('net: { names: [], resolvers: [system] }\n', 'x.yaml', {});
    expect(planFrom(config.network).enabled).toBe(false);
  });

  it('says what RFC 2136 needs', () => {
    const p = problems('net:\n  names: [a.example.com]\n  ddns:\n    provider: rfc2136\n');
    expect(p.map((x) => [x.path, x.message])).toEqual([
      ['net.ddns.server', expect.stringContaining('rfc2136 needs the primary server')],
      ['net.ddns.key', expect.stringContaining('rfc2136 needs a TSIG key')],
    ]);
    expect(p[0]!.line).toBe(4);
  });

  it('wants exactly one of token and tokenFile', () => {
    const p = problems('net:\n  ddns: { provider: cloudflare, token: a, tokenFile: /b }\n');
    expect(p[0]).toMatchObject({
      path: 'net.ddns.token',
      message: expect.stringContaining('either token or tokenFile'),
    });
  });

  it('refuses to send a token over plain http to anything but loopback', () => {
    const p = problems(
      'net:\n  ddns: { provider: cloudflare, token: a, apiUrl: "http://api.example.com" }\n',
    );
    expect(p[0]).toMatchObject({ path: 'net.ddns.apiUrl', message: expect.stringContaining('in clear') });
  });

  it('explains a malformed resolver', () => {
    const p = problems('net:\n  resolvers: [dns.google]\n');
    expect(p[0]).toMatchObject({
      path: 'net.resolvers[0]',
      message: expect.stringContaining('system, authoritative'),
    });
  });

  it('reports a DDNS record it cannot infer', () => {
    const { config } = parseConfig('net:\n  ddns: { provider: cloudflare, token: a }\n', 'x.yaml', {});
    expect(planFrom(config.network).problems).toEqual([
      'network.ddns has no record, and network.names is empty: which name should it update?',
    ]);
  });
});
