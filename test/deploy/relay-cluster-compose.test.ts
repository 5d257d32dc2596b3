// The multi-instance relay on one host (deploy/compose/relay-cluster.compose.yaml with its relay.yaml
// and haproxy.cfg). No compose implementation of the current spec runs here (Debian 12 has none; its
// docker-compose 1.29 rejects the top-level `name` every compose file here uses) and no image can be
// pulled, so the file is read as compose reads it (YAML merge keys resolved) and checked for what
// would break the topology; then its relay.yaml and haproxy.cfg run for real — three `lifeline relay`
// processes behind Debian's HAProxy on loopback, with the compose file's own health-check commands.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify } from 'yaml';
import { waitFor } from '../harness/agent.js';
import { freePort, startCli } from '../harness/cli.js';
import { runHaproxy } from '../harness/haproxy.js';
import { httpsGetText } from '../harness/https-get.js';
import { tempDir } from '../harness/temp.js';
import { selfSignedCertificate } from '../harness/tls.js';
import { haproxyCheck, haproxySections, loadRelayYaml } from './cluster-files.js';
import { type ComposeService, deployFile, dockerfile, mount, readDeploy } from './recipe-files.js';

const FILE = 'compose/relay-cluster.compose.yaml';
const RELAYS = ['relay-1', 'relay-2', 'relay-3'];
const PINNED = /^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?@sha256:[0-9a-f]{64}$/;

type Service = ComposeService & {
  hostname?: string;
  read_only?: boolean;
  tmpfs?: string[];
  ports?: string[];
  healthcheck?: { test: string[]; interval?: string };
  depends_on?: Record<string, { condition: string }>;
  logging?: { options?: Record<string, string> };
};
const file = parseYaml(readDeploy(FILE), { merge: true }) as {
  name: string;
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const svc = (name: string): Service => file.services[name]!;
const relayYamlText = readDeploy('compose/relay-cluster.relay.yaml');
const haproxyText = readDeploy('compose/relay-cluster.haproxy.cfg');
const relayConfig = loadRelayYaml(relayYamlText, 'relay-cluster.relay.yaml', { PGPASSWORD: 'pw' });
/** A mount's target path inside a service, by the host file or folder it mounts. */
const mountOf = (s: Service, source: string) => (s.volumes ?? []).map(mount).find((m) => m.source === source);

describe('the compose file', () => {
  it('runs three relay instances, HAProxy and PostgreSQL, each restarted and health-checked', () => {
    expect(file.name).toBe('lifeline-relay-cluster');
    expect(Object.keys(file.services).sort()).toEqual(['haproxy', 'postgres', ...RELAYS].sort());
    for (const [name, s] of Object.entries(file.services)) {
      expect(s.restart, name).toBe('unless-stopped');
      expect(s.healthcheck?.test[0], name).toMatch(/^CMD/);
      expect(s.logging?.options?.['max-size'], name).toBeDefined();
      if (s.build)
        expect(path.join(deployFile('compose'), s.build.context, s.build.dockerfile)).toBe(
          deployFile('docker/Dockerfile.relay'),
        );
      else expect(s.image, name).toMatch(PINNED);
    }
  });

  it('publishes only HAProxy, on 443, to the port its configuration binds', () => {
    for (const name of [...RELAYS, 'postgres']) expect(svc(name).ports, name).toBeUndefined();
    expect(svc('haproxy').ports).toEqual(['443:8443']);
    expect(haproxySections(haproxyText).get('frontend tls')).toContain('bind :8443');
    expect(mountOf(svc('haproxy'), './relay-cluster.haproxy.cfg')).toEqual({
      source: './relay-cluster.haproxy.cfg',
      target: '/usr/local/etc/haproxy/haproxy.cfg',
      mode: 'ro',
    });
  });

  it('gives each instance its own host name (its instance id), its relay.yaml, certificate and password', () => {
    const user = dockerfile('docker/Dockerfile.relay').findLast((i) => i.op === 'USER')?.args;
    for (const name of RELAYS) {
      const s = svc(name);
      expect(s.hostname).toBe(name);
      expect(s.user, 'the image’s own user').toBeUndefined();
      expect(s.read_only).toBe(true);
      expect(s.cap_drop).toEqual(['ALL']);
      expect(s.cap_add).toBeUndefined();
      expect(mountOf(s, './relay-cluster.relay.yaml')).toMatchObject({
        target: '/etc/lifeline/relay.yaml',
        mode: 'ro',
      });
      const tls = mountOf(s, './relay-tls');
      expect(tls?.mode).toBe('ro');
      expect(relayConfig.listen.tls?.cert).toBe(`${tls?.target}/tls.crt`);
      expect(relayConfig.listen.tls?.key).toBe(`${tls?.target}/tls.key`);
      // The data folder is a tmpfs the image's user may write.
      const data = s.tmpfs?.find((t) => t.startsWith(`${relayConfig.data}:`));
      expect(data).toContain(`uid=${user?.split(':')[0]}`);
      expect(s.environment?.PGPASSWORD).toBe(svc('postgres').environment?.POSTGRES_PASSWORD);
      expect(s.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    }
    expect(svc('postgres').environment?.POSTGRES_PASSWORD).toMatch(/^\$\{PGPASSWORD:\?.+\}$/);
  });

  it('keeps PostgreSQL’s data in a declared volume', () => {
    const data = mountOf(svc('postgres'), 'postgres-data');
    expect(data?.target).toBe('/var/lib/postgresql/data');
    for (const s of Object.values(file.services))
      for (const m of (s.volumes ?? []).map(mount))
        if (!m.source.startsWith('.')) expect(Object.keys(file.volumes)).toContain(m.source);
  });
});

describe("the instances' relay.yaml", () => {
  it('is one the relay accepts, in cluster mode on the compose file’s PostgreSQL', () => {
    const url = new URL(relayConfig.cluster?.database ?? '');
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('postgres');
    expect(url.password).toBe('pw');
    expect(url.username).toBe(svc('postgres').environment?.POSTGRES_USER);
    expect(url.pathname).toBe(`/${svc('postgres').environment?.POSTGRES_DB}`);
    expect(url.port).toBe('5432');
    // No instance id in the shared file: each instance's default, its host name, differs.
    expect(relayConfig.cluster?.instance).toBeUndefined();
  });

  it("passes every name through on the port HAProxy forwards to, the relay's own to its own TLS port", () => {
    const back = haproxySections(haproxyText).get('backend relays')!;
    const servers = back.filter((l) => l.startsWith('server '));
    expect(servers).toEqual(
      RELAYS.map((r, i) => `server ${r} ${r}:${relayConfig.passthrough?.port} id ${i + 1}`),
    );
    expect(relayConfig.passthrough?.fallback).toBe(`127.0.0.1:${relayConfig.listen.port}`);
    const defaults = back.find((l) => l.startsWith('default-server '))!;
    // Checked through the pass-through port: that listener and the fallback behind it.
    expect(defaults).toMatch(
      /^default-server weight 100 check inter 1s fall 2 rise 2 check-ssl verify none /,
    );
    expect(defaults).not.toMatch(/ port /);
    expect(defaults).toContain('on-marked-down shutdown-sessions');
    // Each connection names its client in a PROXY v2 header, the health checks' too, and the relays
    // believe it from the compose network only.
    expect(defaults).toContain(' send-proxy-v2 check-send-proxy ');
    expect(relayConfig.passthrough?.proxyFrom).toEqual(['172.16.0.0/12', '192.168.0.0/16', '10.0.0.0/8']);
    // So the limits count clients, and stay at the relay's own defaults.
    expect(relayConfig.limits.connectsPerMinute).toBe(60);
    expect(relayConfig.passthrough?.connectsPerMinute).toBe(600);
    expect(back).toEqual(expect.arrayContaining(['balance hash var(sess.sni)', 'hash-type consistent']));
    expect(haproxySections(haproxyText).get('frontend tls')).toContain(
      'tcp-request content set-var(sess.sni) req.ssl_sni,lower if { req.ssl_sni -m found }',
    );
  });
});

describe("HAProxy's configuration", () => {
  it('is one HAProxy accepts', () => {
    const r = haproxyCheck(haproxyText);
    expect(r.stderr + r.stdout).toContain('Configuration file is valid');
    expect(r.status).toBe(0);
  });
});

describe('run for real on loopback: three relays behind HAProxy, with the files of the compose topology', () => {
  const tmp = tempDir('lifeline-cluster-compose-');
  const stops: (() => Promise<void> | void)[] = [];
  const ports = { tls: 0, stats: 0, lb: 0, relays: [] as { https: number; pass: number }[] };
  const certFile = path.join(tmp.dir, 'tls.crt');
  afterAll(async () => {
    for (const s of stops.reverse()) await s();
    tmp.remove();
  });

  /** A health-check command of the compose file, run here with its port moved to `port`. */
  const healthcheck = (service: string, from: number, to: number) => {
    const [, ...cmd] = svc(service).healthcheck!.test;
    const args = cmd.map((a) => a.replaceAll(String(from), String(to)));
    return spawnSync(args[0]!, args.slice(1), { encoding: 'utf8', timeout: 10_000 });
  };

  beforeAll(async () => {
    selfSignedCertificate({
      certFile,
      keyFile: path.join(tmp.dir, 'tls.key'),
      subject: 'relay.test',
      altNames: ['DNS:relay.test'],
      days: 2,
    });
    ports.tls = await freePort();
    ports.stats = await freePort();
    ports.lb = await freePort();
    for (const name of RELAYS) {
      const p = { https: await freePort(), pass: await freePort() };
      ports.relays.push(p);
      // The compose file's relay.yaml, moved onto free loopback ports and this test's certificate. Its
      // `cluster:` block is left out: the shared state is the cluster tests' subject, not this file's.
      const { cluster: _shared, ...single } = parseYaml(relayYamlText) as Record<string, unknown>;
      const cfg = {
        ...single,
        listen: {
          host: '127.0.0.1',
          port: p.https,
          tls: { cert: certFile, key: path.join(tmp.dir, 'tls.key') },
        },
        data: path.join(tmp.dir, name),
        // Prometheus's address, for the /metrics test below.
        metrics: { allow: ['198.51.100.0/24'] },
        passthrough: {
          ...(single.passthrough as object),
          host: '127.0.0.1',
          port: p.pass,
          fallback: `127.0.0.1:${p.https}`,
          // HAProxy runs here on loopback, not on the compose network.
          proxyFrom: ['127.0.0.1'],
        },
      };
      const file = path.join(tmp.dir, `${name}.yaml`);
      writeFileSync(file, stringify(cfg));
      const relay = await startCli(['relay', '-c', file], /TLS pass-through .*\n/, { timeoutMs: 30_000 });
      stops.push(relay.stop);
    }
    const cfg = haproxyText
      // maxconn 100000 needs ~200k descriptors (the compose file's ulimits); this sandbox allows fewer.
      .replace(/maxconn \d+/, 'maxconn 2000')
      // A second way in, as from a network load balancer in front that names each client in a PROXY
      // header (AWS NLB, a cloud LB): clients with public addresses, on a loopback-only machine.
      .replace('bind :8443', `bind 127.0.0.1:${ports.tls}\n  bind 127.0.0.1:${ports.lb} accept-proxy`)
      .replace('bind :8404', `bind 127.0.0.1:${ports.stats}`)
      .replace(' resolvers docker', '')
      .replace(/server (relay-\d) relay-\d:8443/g, (_m, name: string) => {
        const p = ports.relays[RELAYS.indexOf(name)]!;
        return `server ${name} 127.0.0.1:${p.pass}`;
      });
    const cfgFile = path.join(tmp.dir, 'haproxy.cfg');
    writeFileSync(cfgFile, cfg);
    const haproxy = await runHaproxy({ file: cfgFile }, ports.stats);
    stops.push(haproxy.stop);
  }, 90_000);

  it("passes each relay's compose health check, and fails it when nothing answers", async () => {
    for (const p of ports.relays) expect(healthcheck('relay-1', 8081, p.https).status).toBe(0);
    expect(healthcheck('relay-1', 8081, await freePort()).status).toBe(1);
  });

  it('has HAProxy mark every instance up by its /healthz check, and pass its own compose health check', async () => {
    await waitFor(async () => {
      const text = await (await fetch(`http://127.0.0.1:${ports.stats}/metrics`)).text();
      const up =
        text.match(/^haproxy_server_status\{proxy="relays",server="relay-\d",state="UP"\} 1$/gm) ?? [];
      return up.length === 3;
    }, 15_000);
    expect(healthcheck('haproxy', 8404, ports.stats).status).toBe(0);
  });

  it("judges /metrics of the relay's own name by the client HAProxy names, not by the hop to its listener", async () => {
    const ca = readFileSync(certFile);
    // A phone on the internet: refused (before, the pass-through's hop made it 127.0.0.1, admitted).
    expect(await asClient(ports.lb, '203.0.113.7', '/metrics', ca)).toBe(403);
    // The address metrics.allow lists (Prometheus): admitted.
    expect(await asClient(ports.lb, '198.51.100.7', '/metrics', ca)).toBe(200);
    // Everyone may ask for /healthz.
    expect(await asClient(ports.lb, '203.0.113.7', '/healthz', ca)).toBe(200);
  });

  it("reaches the relay's own HTTPS through HAProxy and the pass-through, with its certificate", async () => {
    const body = await httpsGetText({
      port: ports.tls,
      servername: 'relay.test',
      ca: readFileSync(certFile),
      path: '/healthz',
    });
    expect(JSON.parse(body)).toEqual({ ok: true });
  });
});

/** GET `pathname` of the relay's own name through HAProxy, as the client `client` (named by the balancer in front). */
function asClient(lbPort: number, client: string, pathname: string, ca: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const raw = net.connect(lbPort, '127.0.0.1');
    raw.write(`PROXY TCP4 ${client} 127.0.0.1 40000 443\r\n`);
    const t = tls.connect({ socket: raw, servername: 'relay.test', ca });
    let text = '';
    t.on('secureConnect', () =>
      t.write(`GET ${pathname} HTTP/1.1\r\nHost: relay.test\r\nConnection: close\r\n\r\n`),
    );
    t.on('data', (c: Buffer) => {
      text += c.toString();
    });
    t.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
    t.on('error', reject);
  });
}
