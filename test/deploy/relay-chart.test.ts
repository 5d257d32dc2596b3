// The Helm chart of the multi-instance relay (deploy/helm/lifeline-relay), rendered by the real helm
// and checked as a cluster would take it: every manifest against the Kubernetes schemas (unknown fields
// included), the manifests against each other, relay.yaml against the relay's schema, haproxy.cfg by
// HAProxy itself. The break-it cases show each check catches what it is for.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHART,
  type ClusterRelayConfig,
  haproxyCheck,
  haproxySections,
  helm,
  loadRelayYaml,
  renderChart,
  runHelm,
  tryRender,
} from './cluster-files.js';
import { type Manifest, schemaProblems, strictFieldProblems } from './k8s-schema.js';
import { wiringProblems, workloads } from './k8s-wiring.js';
import { dockerfile } from './recipe-files.js';

const TLS_SECRET = 'lifeline-relay-tls';
const EXTERNAL_DB = {
  postgresql: { enabled: false },
  database: { host: 'db.internal.example', existingSecret: 'lifeline-db', options: 'sslmode=require' },
};
/** Value sets the chart must render valid with: the default, an existing database, and other shapes. */
const VARIANTS: Record<string, object> = {
  default: {},
  'existing database': EXTERNAL_DB,
  'five instances, one HAProxy, ClusterIP': {
    relay: { replicas: 5, homes: ['abcdefghijklmnopqrstuvwxyz'] },
    haproxy: { replicas: 1, service: { type: 'ClusterIP' } },
    prometheus: { scrape: false },
  },
};

// biome-ignore lint/suspicious/noExplicitAny: rendered manifests, walked by the shape the schema checks above vouch for
type Any = Record<string, any>;
const byKind = (docs: readonly Manifest[], kind: string, component?: string): Any[] =>
  docs.filter(
    (d) =>
      d.kind === kind && (!component || d.metadata.labels?.['app.kubernetes.io/component'] === component),
  ) as Any[];
const one = (docs: readonly Manifest[], kind: string, component?: string): Any => {
  const found = byKind(docs, kind, component);
  expect(found, `${kind} ${component ?? ''}`).toHaveLength(1);
  return found[0]!;
};
const container = (w: Any, name: string): Any =>
  w.spec.template.spec.containers.find((c: Any) => c.name === name);
const containerPort = (c: Any, name: string): number =>
  c.ports.find((p: Any) => p.name === name)?.containerPort;

const relayOf = (docs: Any[]): Any =>
  docs.find((x) => x.kind === 'StatefulSet' && x.metadata.labels['app.kubernetes.io/component'] === 'relay')!;

const ENV = { PGPASSWORD: 'secret', POD_NAME: 'lifeline-lifeline-relay-0' };
const relayYaml = (docs: readonly Manifest[]): { text: string; config: ClusterRelayConfig } => {
  const text = one(docs, 'ConfigMap', 'relay').data['relay.yaml'] as string;
  return { text, config: loadRelayYaml(text, 'relay.yaml (ConfigMap)', ENV) };
};
const haproxyCfg = (docs: readonly Manifest[]): string =>
  one(docs, 'ConfigMap', 'haproxy').data['haproxy.cfg'];

let rendered: Record<string, Manifest[]>;

beforeAll(() => {
  helm();
  rendered = Object.fromEntries(Object.entries(VARIANTS).map(([k, v]) => [k, renderChart(v)]));
}, 180_000);

describe('the relay chart, rendered by helm', () => {
  it('is a chart helm lint finds nothing wrong with (strict)', () => {
    const r = runHelm(['lint', '--strict', CHART]);
    expect(r.stderr + r.stdout).toContain('0 chart(s) failed');
    expect(r.status).toBe(0);
  });

  it('renders the topology: relay instances, HAProxy on 443, PostgreSQL with its volume, budgets', () => {
    const docs = rendered.default!;
    const relay = one(docs, 'StatefulSet', 'relay');
    expect(relay.spec.replicas).toBe(3);
    expect(relay.spec.volumeClaimTemplates).toBeUndefined();
    expect(one(docs, 'Deployment', 'haproxy').spec.replicas).toBe(2);
    const lb = byKind(docs, 'Service', 'haproxy')[0]!;
    expect(lb.spec.type).toBe('LoadBalancer');
    expect(lb.spec.ports.map((p: Any) => p.port)).toEqual([443]);
    const pg = one(docs, 'StatefulSet', 'postgresql');
    expect(pg.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toBe('8Gi');
    expect(
      byKind(docs, 'PodDisruptionBudget')
        .map((p) => p.metadata.labels['app.kubernetes.io/component'])
        .sort(),
    ).toEqual(['haproxy', 'relay']);
    expect(one(docs, 'Secret', 'postgresql').data.password).toMatch(/^[A-Za-z0-9+/=]{40,}$/);
  });

  for (const [name, docs] of Object.entries(VARIANTS).map(([k]) => [k, () => rendered[k]!] as const)) {
    it(`passes the Kubernetes ${'1.34'} schemas, unknown fields included (${name})`, async () => {
      expect(docs().length).toBeGreaterThanOrEqual(name === 'existing database' ? 7 : 10);
      expect(await schemaProblems(docs())).toEqual([]);
      expect(strictFieldProblems(docs())).toEqual([]);
    }, 60_000);

    it(`fits together: probes, selectors, mounts, secrets, scrape ports (${name})`, () => {
      const external = name === 'existing database' ? [TLS_SECRET, 'lifeline-db'] : [TLS_SECRET];
      expect(wiringProblems(docs(), { externalSecrets: external })).toEqual([]);
    });
  }
});

describe('the checks catch a broken manifest', () => {
  const breakages: { what: string; change: (docs: Any[]) => void; found: RegExp }[] = [
    {
      what: 'a typo in a field name',
      change: (d) => {
        const c = container(relayOf(d), 'relay');
        c.readinesProbe = c.readinessProbe;
        delete c.readinessProbe;
      },
      found: /'"readinesProbe"' does not exist in type 'IContainer'/,
    },
    {
      what: 'a value of the wrong type',
      change: (d) => {
        d.find(
          (x) => x.kind === 'Deployment' && x.metadata.labels['app.kubernetes.io/component'] === 'haproxy',
        )!.spec.replicas = 'two';
      },
      found: /replicas must be integer/,
    },
    {
      what: 'a value outside its enum',
      change: (d) => {
        container(relayOf(d), 'relay').livenessProbe.httpGet.scheme = 'TLS';
      },
      found: /scheme must be equal to one of the allowed values/,
    },
    {
      what: "a probe on a port the container doesn't open",
      change: (d) => {
        container(relayOf(d), 'relay').readinessProbe.httpGet.port = 8080;
      },
      found: /readinessProbe on port 8080, which the container does not open/,
    },
    {
      what: 'a Service whose selector matches no pod',
      change: (d) => {
        d.find((x) => x.kind === 'Service' && x.spec.type === 'LoadBalancer')!.spec.selector[
          'app.kubernetes.io/component'
        ] = 'proxy';
      },
      found: /selector .* matches no pod of the release/,
    },
    {
      what: 'a Service port aimed at a port its pods do not open',
      change: (d) => {
        d.find((x) => x.kind === 'Service' && x.spec.type === 'LoadBalancer')!.spec.ports[0].targetPort =
          'https';
      },
      found: /targets https, which its pods do not open/,
    },
    {
      what: 'a budget that protects nothing',
      change: (d) => {
        d.find((x) => x.kind === 'PodDisruptionBudget')!.spec.selector.matchLabels[
          'app.kubernetes.io/instance'
        ] = 'x';
      },
      found: /PodDisruptionBudget.*matches no pod/,
    },
    {
      what: 'a mount of a volume that is not there',
      change: (d) => {
        container(relayOf(d), 'relay').volumeMounts[1].name = 'certs';
      },
      found: /mounts certs: no such volume/,
    },
    {
      what: 'a password read from a key the Secret lacks',
      change: (d) => {
        const env = container(relayOf(d), 'relay').env;
        env.find((e: Any) => e.name === 'PGPASSWORD').valueFrom.secretKeyRef.key = 'postgres-password';
      },
      found: /reads key postgres-password of Secret .*: no such key/,
    },
    {
      what: 'a scrape annotation on a port the relay does not serve',
      change: (d) => {
        relayOf(d).spec.template.metadata.annotations['prometheus.io/port'] = '9090';
      },
      found: /prometheus.io\/port 9090 is not a port its pods open/,
    },
    {
      what: 'a network policy that admits pods that do not exist',
      change: (d) => {
        const np = d.find((x) => x.kind === 'NetworkPolicy')!;
        np.spec.ingress[0].from[0].podSelector.matchLabels['app.kubernetes.io/component'] = 'relays';
      },
      found: /NetworkPolicy.*admits pods matching .*: there are none/,
    },
  ];

  for (const b of breakages)
    it(`reports ${b.what}`, async () => {
      const docs = structuredClone(rendered.default!) as Any[];
      b.change(docs);
      const problems = [
        ...(await schemaProblems(docs as Manifest[])),
        ...strictFieldProblems(docs as Manifest[]),
        ...wiringProblems(docs as Manifest[], { externalSecrets: [TLS_SECRET] }),
      ];
      expect(problems.join('\n')).toMatch(b.found);
    }, 60_000);
});

describe('each relay instance', () => {
  it('gets a relay.yaml the relay accepts, in cluster mode under its own pod name', () => {
    const { config } = relayYaml(rendered.default!);
    expect(config.cluster).toEqual({
      database: 'postgres://lifeline:secret@lifeline-lifeline-relay-postgresql.lifeline.svc:5432/lifeline',
      instance: 'lifeline-lifeline-relay-0',
    });
    const relay = one(rendered.default!, 'StatefulSet', 'relay');
    const env = container(relay, 'relay').env;
    expect(env.find((e: Any) => e.name === 'POD_NAME').valueFrom.fieldRef.fieldPath).toBe('metadata.name');
    const secret = env.find((e: Any) => e.name === 'PGPASSWORD').valueFrom.secretKeyRef;
    expect(secret.name).toBe(one(rendered.default!, 'Secret', 'postgresql').metadata.name);
    // The password goes into the URL unescaped: the generated one is letters and digits only.
    const password = Buffer.from(
      one(rendered.default!, 'Secret', 'postgresql').data.password,
      'base64',
    ).toString();
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('serves its own name with its certificate and passes every other name through, on the ports the pod opens', () => {
    const docs = rendered.default!;
    const { config } = relayYaml(docs);
    const relay = one(docs, 'StatefulSet', 'relay');
    const c = container(relay, 'relay');
    expect(config.listen.port).toBe(containerPort(c, 'https'));
    expect(config.passthrough?.port).toBe(containerPort(c, 'passthrough'));
    expect(config.passthrough?.fallback).toBe(`127.0.0.1:${config.listen.port}`);
    const tlsMount = c.volumeMounts.find((m: Any) => m.name === 'tls');
    expect(config.listen.tls?.cert).toBe(`${tlsMount.mountPath}/tls.crt`);
    expect(config.listen.tls?.key).toBe(`${tlsMount.mountPath}/tls.key`);
    const tlsVolume = relay.spec.template.spec.volumes.find((v: Any) => v.name === 'tls');
    expect(tlsVolume.secret.secretName).toBe(TLS_SECRET);
    // The mounted file is the one the relay is told to read.
    const cfgMount = c.volumeMounts.find((m: Any) => m.name === 'config');
    expect(c.args).toEqual(['relay', '-c', cfgMount.mountPath]);
    expect(c.volumeMounts.find((m: Any) => m.mountPath === config.data)).toBeDefined();
  });

  it('is probed on /healthz over its own TLS port, and taken out of DNS when not ready', () => {
    const docs = rendered.default!;
    const c = container(one(docs, 'StatefulSet', 'relay'), 'relay');
    for (const p of [c.startupProbe, c.readinessProbe, c.livenessProbe])
      expect(p.httpGet).toEqual({ path: '/healthz', port: 'https', scheme: 'HTTPS' });
    expect(one(docs, 'Service', 'relay').spec.publishNotReadyAddresses).toBe(false);
  });

  it('is scraped by Prometheus on the port and path of /metrics, from addresses metrics.allow admits', () => {
    const docs = rendered.default!;
    const relay = one(docs, 'StatefulSet', 'relay');
    const a = relay.spec.template.metadata.annotations;
    const { config } = relayYaml(docs);
    expect(a).toMatchObject({
      'prometheus.io/scrape': 'true',
      'prometheus.io/path': '/metrics',
      'prometheus.io/scheme': 'https',
    });
    expect(Number(a['prometheus.io/port'])).toBe(config.listen.port);
    expect(config.metrics.allow.length).toBeGreaterThan(0);
    expect(
      relayYaml(renderChart({ relay: { metricsAllow: ['10.42.0.0/16'] } })).config.metrics.allow,
    ).toEqual(['10.42.0.0/16']);
  });

  it('runs without root, privilege or a writable image, within set resources', () => {
    for (const w of workloads(rendered.default!)) {
      const pod = w.template.spec as Any;
      expect(pod.securityContext.runAsNonRoot, w.doc.metadata.name).toBe(true);
      expect(pod.automountServiceAccountToken).toBe(false);
      for (const c of pod.containers as Any[]) {
        expect(c.securityContext, c.name).toEqual({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.resources.requests.memory, c.name).toBeDefined();
        expect(c.resources.limits.memory, c.name).toBeDefined();
        for (const p of c.ports)
          expect(p.containerPort, `${c.name} binds no privileged port`).toBeGreaterThan(1023);
      }
    }
  });

  it("runs as the relay image's own user", () => {
    const user = dockerfile('docker/Dockerfile.relay').findLast((i) => i.op === 'USER')?.args;
    const pod = one(rendered.default!, 'StatefulSet', 'relay').spec.template.spec.securityContext;
    expect(`${pod.runAsUser}:${pod.runAsGroup}`).toBe(user);
  });

  it('keeps its name across restarts (StatefulSet) and starts with its peers at once', () => {
    const relay = one(rendered.default!, 'StatefulSet', 'relay');
    expect(relay.spec.podManagementPolicy).toBe('Parallel');
    expect(relay.spec.serviceName).toBe(one(rendered.default!, 'Service', 'relay').metadata.name);
  });
});

describe('HAProxy in front', () => {
  it('has a configuration HAProxy accepts', () => {
    for (const docs of Object.values(rendered)) {
      const r = haproxyCheck(haproxyCfg(docs));
      expect(r.stderr + r.stdout).toContain('Configuration file is valid');
      expect(r.status).toBe(0);
    }
  });

  it('rejects a configuration HAProxy would not start with (the check is real)', () => {
    const r = haproxyCheck(
      haproxyCfg(rendered.default!).replace('hash-type consistent', 'hash-type coherent'),
    );
    expect(r.status).not.toBe(0);
  });

  it('waits for the ClientHello and routes by its name with consistent hashing', () => {
    const s = haproxySections(haproxyCfg(rendered.default!));
    const front = s.get('frontend tls')!;
    expect(front).toEqual([
      'bind :8443',
      'tcp-request inspect-delay 5s',
      'tcp-request content set-var(sess.sni) req.ssl_sni,lower if { req.ssl_sni -m found }',
      'tcp-request content accept if { req.ssl_hello_type 1 }',
      'tcp-request content reject',
      'default_backend relays',
    ]);
    const back = s.get('backend relays')!;
    expect(back).toEqual(expect.arrayContaining(['balance hash var(sess.sni)', 'hash-type consistent']));
    expect(back.some((l) => l.includes('hash-balance-factor'))).toBe(false);
    expect(s.get('defaults')).toContain('mode tcp');
  });

  it("forwards to each instance's pass-through port by its own DNS name, checked on /healthz every second", () => {
    const docs = rendered.default!;
    const back = haproxySections(haproxyCfg(docs)).get('backend relays')!;
    const relay = one(docs, 'StatefulSet', 'relay');
    const headless = one(docs, 'Service', 'relay');
    const { config } = relayYaml(docs);
    // Every ordinal up to the slots, at <pod>.<governing Service>.<namespace>.svc.<domain>, with a fixed
    // id (its place on the hash ring): the same ring in every HAProxy replica and after restarts.
    const servers = back.filter((l) => l.startsWith('server '));
    expect(servers).toEqual(
      Array.from(
        { length: 10 },
        (_, i) =>
          `server relay-${i} ${relay.metadata.name}-${i}.${headless.metadata.name}.lifeline.svc.cluster.local:${config.passthrough?.port} id ${i + 1}`,
      ),
    );
    expect(relay.spec.serviceName).toBe(headless.metadata.name);
    expect(headless.spec.clusterIP).toBe('None');
    const defaults = back.find((l) => l.startsWith('default-server '))!;
    // Checked through the pass-through port (no port of its own): that listener and the fallback.
    expect(defaults).toMatch(
      /^default-server weight 100 check inter 1s fall 2 rise 2 check-ssl verify none /,
    );
    expect(defaults).not.toMatch(/ port /);
    expect(defaults).toContain('on-marked-down shutdown-sessions');
    expect(defaults).toContain('resolvers cluster init-addr none');
    // Each connection, the checks' too, names its client in a PROXY v2 header the instances believe
    // from the pods' network (relay.proxyFrom), so their limits count clients and stay at defaults.
    expect(defaults).toContain(' send-proxy-v2 check-send-proxy ');
    expect(config.passthrough?.proxyFrom).toEqual(['10.0.0.0/8']);
    expect(config.limits.connectsPerMinute).toBe(60);
    expect(config.passthrough?.connectsPerMinute).toBe(600);
    expect(
      relayYaml(renderChart({ relay: { proxyFrom: ['10.42.0.0/16'] } })).config.passthrough?.proxyFrom,
    ).toEqual(['10.42.0.0/16']);
    expect(haproxySections(haproxyCfg(docs)).has('resolvers cluster')).toBe(true);
    expect(back).toEqual(expect.arrayContaining(['option httpchk', 'http-check send meth GET uri /healthz']));
  });

  it('knows at least as many instances by name as the chart runs', () => {
    const docs = rendered['five instances, one HAProxy, ClusterIP']!;
    const servers = haproxySections(haproxyCfg(docs))
      .get('backend relays')!
      .filter((l) => l.startsWith('server '));
    expect(servers.length).toBeGreaterThanOrEqual(one(docs, 'StatefulSet', 'relay').spec.replicas);
  });

  it('listens where its Service sends port 443, and answers its own probes', () => {
    const docs = rendered.default!;
    const s = haproxySections(haproxyCfg(docs));
    const c = container(one(docs, 'Deployment', 'haproxy'), 'haproxy');
    const lb = one(docs, 'Service', 'haproxy');
    expect(lb.spec.ports[0]).toMatchObject({ port: 443, targetPort: 'tls' });
    expect(s.get('frontend tls')).toContain(`bind :${containerPort(c, 'tls')}`);
    expect(s.get('frontend stats')).toEqual(
      expect.arrayContaining([`bind :${containerPort(c, 'stats')}`, 'monitor-uri /healthz']),
    );
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'stats' });
    expect(c.args.at(-1)).toBe(
      `${c.volumeMounts.find((m: Any) => m.name === 'config').mountPath}/haproxy.cfg`,
    );
  });
});

describe('values', () => {
  it('use an existing database and its Secret, and run no PostgreSQL of their own', () => {
    const docs = rendered['existing database']!;
    expect(byKind(docs, 'StatefulSet', 'postgresql')).toEqual([]);
    expect(byKind(docs, 'Secret')).toEqual([]);
    const { config } = relayYaml(docs);
    expect(config.cluster?.database).toBe(
      'postgres://lifeline:secret@db.internal.example:5432/lifeline?sslmode=require',
    );
    const env = container(one(docs, 'StatefulSet', 'relay'), 'relay').env;
    expect(env.find((e: Any) => e.name === 'PGPASSWORD').valueFrom.secretKeyRef).toEqual({
      name: 'lifeline-db',
      key: 'password',
    });
  });

  it('refuse more instances than HAProxy has slots for, and an existing database without a host', () => {
    const many = tryRender({ relay: { replicas: 12 } });
    expect(many.status).not.toBe(0);
    expect(many.stderr).toContain('relay.replicas (12) exceeds haproxy.serverSlots (10)');
    const noHost = tryRender({ postgresql: { enabled: false } });
    expect(noHost.status).not.toBe(0);
    expect(noHost.stderr).toContain('database.host is required');
  });

  it('are checked against values.schema.json: a misspelt or malformed value stops the install', () => {
    const typo = tryRender({ relay: { replica: 5 } });
    expect(typo.status).not.toBe(0);
    expect(typo.stderr).toMatch(/additional properties 'replica' not allowed/);
    const badHome = tryRender({ relay: { homes: ['home-1'] } });
    expect(badHome.status).not.toBe(0);
    expect(badHome.stderr).toContain("'home-1' does not match pattern");
  });

  it('let only the relay instances reach the chart’s PostgreSQL', () => {
    const np = one(rendered.default!, 'NetworkPolicy');
    const relayPods = one(rendered.default!, 'StatefulSet', 'relay').spec.template.metadata.labels;
    expect(np.spec.ingress).toHaveLength(1);
    for (const [k, v] of Object.entries(np.spec.ingress[0].from[0].podSelector.matchLabels))
      expect(relayPods[k]).toBe(v);
    expect(byKind(rendered['existing database']!, 'NetworkPolicy')).toEqual([]);
  });

  it('pass extra relay.yaml settings through, still valid', () => {
    const docs = renderChart({
      relay: { extraConfig: { limits: { pipesPerHome: 256 }, offline: { bootSeconds: 300 } } },
    });
    const { config } = relayYaml(docs);
    expect(config.limits.pipesPerHome).toBe(256);
    expect(config.offline.bootSeconds).toBe(300);
  });
});
