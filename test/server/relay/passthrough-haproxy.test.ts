// Behind HAProxy (Debian's, in TCP mode, as the cluster runs it) every phone reaches the relay from
// HAProxy's address. With `send-proxy-v2` (or `send-proxy`) and the relay's `passthrough.proxyFrom`,
// the home's agent still learns each phone's own address with its stream: its per-source admission
// limits and lock-outs count phones, not the balancer. Phones here are distinct loopback addresses.
import { writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addressList } from '../../../server/address-list.js';
import type { CapabilityFactory } from '../../../server/agent/capabilities.js';
import type { HttpsProvider } from '../../../server/agent/tls/https.js';
import { prepareAgentDir, startTestAgent, type TestAgent, waitFor } from '../../harness/agent.js';
import { freePort } from '../../harness/cli.js';
import { runHaproxy } from '../../harness/haproxy.js';
import { startPassthrough, type TestPassthrough } from '../../harness/passthrough.js';
import { linkOf, linkUp, startTestRelay, type TestRelay } from '../../harness/relay.js';
import { staticHttps } from '../../harness/static-https.js';
import { tempDir } from '../../harness/temp.js';
import { makeCerts, type TestCerts } from '../../harness/tls.js';

let certs: TestCerts;
let relay: TestRelay;
let pass: TestPassthrough;
let t: TestAgent;
const tmp = tempDir('lifeline-haproxy-');
const stops: (() => Promise<void> | void)[] = [];
const ports = { v2: 0, v1: 0, stats: 0 };
/** The source the agent was given with each phone's stream. */
const sources: string[] = [];

beforeAll(async () => {
  certs = makeCerts({ dns: ['home.test'] });
  const prepared = await prepareAgentDir();
  relay = await startTestRelay({ homes: [prepared.homeId] });
  stops.push(() => relay.close());
  pass = await startPassthrough(relay, { proxyFrom: addressList(['127.0.0.1']) });
  stops.push(() => pass.close());
  const side = staticHttps('home.test', certs);
  // The agent's HTTPS side as the agent builds it, noting the source each passed-through stream has.
  const recording: CapabilityFactory = (ctx) => {
    const provider = side.factory(ctx) as HttpsProvider;
    return {
      ...provider,
      https(server, opts) {
        const real = provider.https(server, opts);
        return {
          ...real,
          sink: (stream, info) => {
            sources.push(info.source);
            real.sink(stream, info);
          },
        };
      },
    } satisfies HttpsProvider;
  };
  t = await startTestAgent(
    {
      yaml: `home: { name: Test home }\nlisten: { host: 127.0.0.1, port: 0 }\nrelay: { url: "${relay.url}" }\n`,
      capabilities: [recording],
    },
    prepared,
  );
  stops.push(() => t.close());
  await linkUp(t);
  await waitFor(() => linkOf(t)?.names?.includes('home.test'), 10_000, 'the relay routes home.test');

  ports.v2 = await freePort();
  ports.v1 = await freePort();
  ports.stats = await freePort();
  const cfg = path.join(tmp.dir, 'haproxy.cfg');
  writeFileSync(
    cfg,
    `global
  maxconn 200
defaults
  mode tcp
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend v2
  bind 127.0.0.1:${ports.v2}
  tcp-request inspect-delay 5s
  tcp-request content accept if { req.ssl_hello_type 1 }
  default_backend v2
frontend v1
  bind 127.0.0.1:${ports.v1}
  tcp-request inspect-delay 5s
  tcp-request content accept if { req.ssl_hello_type 1 }
  default_backend v1
backend v2
  server pass 127.0.0.1:${pass.port} send-proxy-v2
backend v1
  server pass 127.0.0.1:${pass.port} send-proxy
frontend stats
  mode http
  bind 127.0.0.1:${ports.stats}
  monitor-uri /healthz
`,
  );
  const haproxy = await runHaproxy({ file: cfg }, ports.stats);
  stops.push(haproxy.stop);
}, 60_000);

afterAll(async () => {
  for (const s of stops.reverse()) await s();
  certs?.remove();
  tmp.remove();
});

/** GET https://home.test/healthz through HAProxy's `port`, from the phone at `from`. */
const phone = (from: string, port: number) =>
  new Promise<number>((resolve, reject) => {
    https
      .get(
        {
          host: '127.0.0.1',
          port,
          servername: 'home.test',
          ca: certs.ca,
          path: '/healthz',
          localAddress: from,
          agent: false,
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      )
      .on('error', reject);
  });

it("gives the home's agent each phone's own address through HAProxy, with PROXY v2 and v1", async () => {
  expect(await phone('127.0.0.2', ports.v2)).toBe(200);
  expect(await phone('127.0.0.3', ports.v2)).toBe(200);
  expect(await phone('127.0.0.4', ports.v1)).toBe(200);
  expect(sources).toEqual(['127.0.0.2', '127.0.0.3', '127.0.0.4']);
  expect(pass.outcomes).toEqual(['piped', 'piped', 'piped']);
});
