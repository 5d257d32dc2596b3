import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../server/config/default-config.js';
import { configJsonSchema } from '../../../server/config/json-schema.js';
import { ConfigError, parseConfig } from '../../../server/config/load.js';

function problems(yaml: string, env: NodeJS.ProcessEnv = {}) {
  try {
    parseConfig(yaml, '/etc/lifeline.yaml', env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected the config to be rejected');
}

describe('config', () => {
  it('accepts the commented default config written on first start', () => {
    const { config } = parseConfig(DEFAULT_CONFIG, '/x/lifeline.yaml', {});
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.home.name).toBe('Home');
  });

  it('accepts the SPEC example and normalises the MAC', () => {
    const yaml = `
home: { name: "Home" }
hosts:
  - id: pc
    name: Desk PC
    mac: "A8-A1-59-12-34-56"
    address: 192.168.1.20
    probe: { tcp: 3389 }
plugs:
  - id: cabinet
    name: Network cabinet
    driver: shelly-gen2
    address: 192.168.1.50
    lifeline: true
    powers: [router, nas, agent]
    cycleSeconds: 30
`;
    const { config, dataDir } = parseConfig(yaml, '/srv/lifeline/lifeline.yaml', {});
    expect(config.machines[0]!.mac).toBe('a8:a1:59:12:34:56');
    expect(config.power[0]!.lifeline).toBe(true);
    expect(dataDir).toBe('/srv/lifeline/data');
  });

  it('reads the earlier key names as the current ones, with one line saying what each is called now', () => {
    const yaml = 'hosts: []\ndocker: []\nplugs: []\nnet: { names: [] }\n';
    const { config, warnings } = parseConfig(yaml, '/etc/lifeline.yaml', {});
    expect(config.machines).toEqual([]);
    expect(config.network.names).toEqual([]);
    expect(warnings).toEqual([
      '/etc/lifeline.yaml:1:1: hosts: is now called machines: (hosts: still works)',
      '/etc/lifeline.yaml:2:1: docker: is now called containers: (docker: still works)',
      '/etc/lifeline.yaml:3:1: plugs: is now called power: (plugs: still works)',
      '/etc/lifeline.yaml:4:1: net: is now called network: (net: still works)',
    ]);
    expect(parseConfig(DEFAULT_CONFIG, '/x/lifeline.yaml', {}).warnings).toEqual([]);
  });

  it('refuses a section given under both its names', () => {
    const [p] = problems('machines: []\nhosts: []\n');
    expect(p).toMatchObject({ line: 2, column: 1, path: 'hosts' });
    expect(p!.message).toContain('hosts: is the earlier name of machines:');
  });

  it('names a mistake under the current key names too', () => {
    const [p] = problems('machines:\n  - id: pc\n    mac: "01:a1:59:12:34:56"\n');
    expect(p).toMatchObject({ line: 3, path: 'machines[0].mac' });
    expect(p!.message).toContain('not a multicast or broadcast address');
  });

  it('names the line, column and key of an unknown key', () => {
    const [p] = problems('home:\n  name: Home\nlisten:\n  hots: 0.0.0.0\n');
    expect(p).toMatchObject({ file: '/etc/lifeline.yaml', line: 4, column: 3, path: 'listen.hots' });
    expect(p!.message).toContain('unknown key "hots"');
  });

  it('names a wrong type with what was expected and what was found', () => {
    const [p] = problems('listen:\n  port: "eighty"\n');
    expect(p).toMatchObject({ line: 2, column: 9, path: 'listen.port' });
    expect(p!.message).toMatch(/expected number, got "eighty"/);
  });

  it('refuses an address list entry that is no address, which would otherwise match nothing', () => {
    const list = problems('metrics:\n  allow: [10.0.0.0/24, 10.0.0.0/99, banana]\n');
    expect(list.map((p) => [p.line, p.path])).toEqual([
      [2, 'metrics.allow[1]'],
      [2, 'metrics.allow[2]'],
    ]);
    expect(list[0]!.message).toMatch(/an IP address or CIDR/);
    const relay = problems('relayServer:\n  trustProxy: [loopback, 10.0.0.1, banana]\n');
    expect(relay.map((p) => p.path)).toEqual(['relayServer.trustProxy[2]']);
    expect(relay[0]!.message).toMatch(/an IP address, a CIDR/);
  });

  it('rejects a malformed MAC with its line and path', () => {
    const yaml = 'hosts:\n  - id: pc\n    mac: "a8:a1:59:12:34"\n';
    const [p] = problems(yaml);
    expect(p).toMatchObject({ line: 3, path: 'hosts[0].mac' });
    expect(p!.message).toContain('MAC address');
    expect(p!.message).toContain('"a8:a1:59:12:34"');
  });

  it('reports a missing environment variable where it is used', () => {
    const yaml = 'net:\n  ddns:\n    provider: cloudflare\n    token: "${CF_TOKEN}"\n';
    const [p] = problems(yaml);
    expect(p).toMatchObject({
      line: 4,
      path: 'net.ddns.token',
      message: 'environment variable CF_TOKEN is not set',
    });
    const { config } = parseConfig(yaml, 'x.yaml', { CF_TOKEN: 'sekrit' });
    expect(config.network.ddns?.token).toBe('sekrit');
  });

  it('keeps $${ as a literal', () => {
    const { config } = parseConfig('home: { name: "cost $${X}" }\n', 'x.yaml', {});
    expect(config.home.name).toBe('cost ${X}');
  });

  it('reports a missing required key at its parent', () => {
    const [p] = problems('plugs:\n  - id: cabinet\n    driver: shelly-gen2\n');
    expect(p).toMatchObject({ line: 2, path: 'plugs[0].name' });
    expect(p!.message).toContain('missing');
  });

  it('reports duplicate ids', () => {
    const [p] = problems(
      'hosts:\n  - { id: pc, mac: "a8:a1:59:12:34:56" }\n  - { id: pc, mac: "a8:a1:59:12:34:57" }\n',
    );
    expect(p).toMatchObject({ line: 3, path: 'hosts[1].id' });
    expect(p!.message).toContain('duplicate id "pc"');
  });

  it('reports YAML syntax errors with a position', () => {
    const [p] = problems('home:\n  name: [unclosed\n');
    expect(p!.line).toBeGreaterThan(0);
  });

  it('publishes a JSON Schema that matches the schema in the code', () => {
    const published = JSON.parse(
      readFileSync(new URL('../../../docs/lifeline.schema.json', import.meta.url), 'utf8'),
    );
    expect(published).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
  });
});

describe('fallback channels', () => {
  it('take https only (plain http only to loopback), so tokens and notices never cross a network in clear', () => {
    const channel = (url: string) =>
      `notify:\n  channels:\n    - { id: c, type: ntfy, url: "${url}", token: t }\n`;
    expect(JSON.stringify(problems(channel('http://ntfy.example.com/topic')))).toMatch(/https:\/\//);
    for (const ok of ['https://ntfy.example.com/topic', 'http://127.0.0.1:8090/topic', 'http://localhost/x'])
      expect(parseConfig(channel(ok), '/x/lifeline.yaml', {}).config.notify.channels[0]?.url).toBe(ok);
  });
});
