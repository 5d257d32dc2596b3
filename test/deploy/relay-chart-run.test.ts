// The chart's relay.yaml and haproxy.cfg, run for real on loopback as the cluster would run them: a
// real BIND serves the instances' DNS names under the headless Service (as the cluster DNS does, only
// for ready pods), three `lifeline relay` processes run the rendered relay.yaml each on its own
// address (a pod's), and Debian's HAProxy runs the rendered haproxy.cfg. HAProxy must find the
// instances by name, find them healthy through their pass-through port, route the relay's own name
// to one, and take a killed instance out.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { waitFor } from '../harness/agent.js';
import { startBind, type TestBind } from '../harness/bind.js';
import { freePort, startCli } from '../harness/cli.js';
import { runHaproxy } from '../harness/haproxy.js';
import { httpsGetText } from '../harness/https-get.js';
import { tempDir } from '../harness/temp.js';
import { selfSignedCertificate } from '../harness/tls.js';
import { loadRelayYaml, renderChart } from './cluster-files.js';
import type { Manifest } from './k8s-schema.js';

const tmp = tempDir('lifeline-chart-run-');
const stops: (() => Promise<void> | void)[] = [];
const instances: { name: string; address: string; stop: () => Promise<void> }[] = [];
let statsPort = 0;
let tlsPort = 0;
let bind: TestBind;
const certFile = path.join(tmp.dir, 'tls.crt');
const keyFile = path.join(tmp.dir, 'tls.key');

afterAll(async () => {
  for (const s of stops.reverse()) await s();
  tmp.remove();
});

const configMap = (docs: Manifest[], component: string) =>
  docs.find(
    (d) => d.kind === 'ConfigMap' && d.metadata.labels?.['app.kubernetes.io/component'] === component,
  )!.data as Record<string, string>;

/** HAProxy's view of each server: name → state, from its Prometheus exporter. */
async function serverStates(): Promise<Map<string, string>> {
  const text = await (await fetch(`http://127.0.0.1:${statsPort}/metrics`)).text();
  const states = new Map<string, string>();
  for (const m of text.matchAll(
    /^haproxy_server_status\{proxy="relays",server="([^"]+)",state="([A-Z]+)"\} 1$/gm,
  ))
    states.set(m[1]!, m[2]!);
  return states;
}

beforeAll(async () => {
  selfSignedCertificate({ certFile, keyFile, subject: 'relay.test', altNames: ['DNS:relay.test'], days: 2 });
  const ports = { https: await freePort(), pass: await freePort() };
  // Release "lifeline-relay" in namespace "lifeline": pods lifeline-relay-0…2 under lifeline-relay-instances.
  const docs = renderChart(
    // HAProxy runs on loopback here, not in the pods' network.
    { relay: { httpsPort: ports.https, passthroughPort: ports.pass, proxyFrom: ['127.0.0.1'] } },
    { release: 'lifeline-relay', namespace: 'lifeline' },
  );
  const relayYaml = configMap(docs, 'relay')['relay.yaml']!;
  const haproxyCfg = configMap(docs, 'haproxy')['haproxy.cfg']!;

  // Each instance on a loopback address of its own, as each pod has its own IP.
  const pods = [0, 1, 2].map((i) => ({ name: `lifeline-relay-${i}`, address: `127.0.0.${31 + i}` }));
  bind = await startBind({
    zone: 'lifeline.svc.cluster.local',
    records: pods.map((p) => `${p.name}.lifeline-relay-instances IN A ${p.address}`),
  });
  stops.push(() => bind.close());

  for (const pod of pods) {
    const config = loadRelayYaml(relayYaml, 'relay.yaml', { PGPASSWORD: 'x', POD_NAME: pod.name }) as Record<
      string,
      unknown
    > & { passthrough: object; listen: object };
    // What differs from the pod: its address instead of 0.0.0.0, the test's certificate and data
    // folder, and no `cluster:` (shared state is the cluster tests' subject, not this chart's).
    const { cluster: _shared, ...single } = config;
    const file = path.join(tmp.dir, `${pod.name}.yaml`);
    writeFileSync(
      file,
      stringify({
        ...single,
        listen: { ...config.listen, host: pod.address, tls: { cert: certFile, key: keyFile } },
        data: path.join(tmp.dir, pod.name),
        passthrough: { ...config.passthrough, host: pod.address, fallback: `${pod.address}:${ports.https}` },
      }),
    );
    const relay = await startCli(['relay', '-c', file], /TLS pass-through .*\n/, { timeoutMs: 30_000 });
    instances.push({ ...pod, stop: relay.stop });
    stops.push(relay.stop);
  }

  statsPort = await freePort();
  tlsPort = await freePort();
  const cfgFile = path.join(tmp.dir, 'haproxy.cfg');
  writeFileSync(
    cfgFile,
    haproxyCfg
      // The cluster DNS is the pod's resolv.conf there; here it is the test's BIND.
      .replace('parse-resolv-conf', `nameserver bind ${bind.server}`)
      .replace(/bind :\d+\n(\s+# Wait)/, `bind 127.0.0.1:${tlsPort}\n$1`)
      .replace(/bind :\d+\n(\s+monitor-uri)/, `bind 127.0.0.1:${statsPort}\n$1`)
      // maxconn 100000 needs ~200k descriptors (a container has them); this sandbox allows fewer.
      .replace(/maxconn \d+/, 'maxconn 2000'),
  );
  const haproxy = await runHaproxy({ file: cfgFile }, statsPort);
  stops.push(haproxy.stop);
}, 120_000);

const viaHaproxy = () =>
  httpsGetText({ port: tlsPort, servername: 'relay.test', ca: readFileSync(certFile), path: '/healthz' });

it('finds the running instances by their DNS names and marks them up by /healthz; the rest stay out', async () => {
  const states = await waitFor(async () => {
    const s = await serverStates();
    return ['relay-0', 'relay-1', 'relay-2'].every((n) => s.get(n) === 'UP') ? s : undefined;
  }, 20_000);
  for (let i = 3; i < 10; i++) expect(states.get(`relay-${i}`), `relay-${i}`).not.toBe('UP');
});

it("serves the relay's own name through HAProxy and an instance's pass-through, with its certificate", async () => {
  expect(JSON.parse(await viaHaproxy())).toEqual({ ok: true });
});

it('takes an instance that dies out within seconds, and keeps serving through the others', async () => {
  const victim = instances[1]!;
  await victim.stop();
  const started = Date.now();
  await waitFor(async () => (await serverStates()).get('relay-1') === 'DOWN', 10_000);
  // inter 1s, fall 2: about two seconds.
  expect(Date.now() - started).toBeLessThan(5_000);
  for (let i = 0; i < 5; i++) expect(JSON.parse(await viaHaproxy())).toEqual({ ok: true });
  const s = await serverStates();
  expect([s.get('relay-0'), s.get('relay-2')]).toEqual(['UP', 'UP']);
});
