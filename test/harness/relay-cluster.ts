// "One relay and many" on loopback, every party its own process: N `lifeline relay` instances
// (relay.yaml `cluster:`; one PostgreSQL between them with `database`, else each its own SQLite),
// HAProxy from the
// shipped config in front, and homes as `lifeline agent` processes with a name of their own
// (`tls:` with a stored certificate) linking to wss://localhost:<HAProxy>. Phones reach a home's
// name through HAProxy and must land on the instance that holds the home's link.
// The relays have their own test CA (for `localhost`, their own name), the homes another: a phone
// that lands on the wrong instance meets the relay's certificate and fails to verify.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import tls from 'node:tls';
import { loadOrCreateAgentIdentity } from '../../server/agent/identity.js';
import { killAndWait } from './child.js';
import { freePort } from './cli.js';
import { repoRoot, startHaproxy, type TestHaproxy } from './haproxy.js';
import { httpsGetText } from './https-get.js';
import { tempDir } from './temp.js';
import { makeCerts, type TestCerts } from './tls.js';

export const RELAY_NAME = 'localhost';
const BIN = path.join(repoRoot(), 'bin/lifeline.js');
export const homeName = (i: number) => `h${String(i + 1).padStart(2, '0')}.lifeline.test`;

export interface ClusterRelay {
  instance: string;
  /** The pass-through port HAProxy forwards to. */
  passPort: number;
  /** The instance's own HTTPS (its pass-through's fallback): the link, /healthz, /metrics. */
  ownPort: number;
  /** Prefixes (8 characters) of the home ids whose link this instance holds now, from its log. */
  linked(): Set<string>;
  /** Phones' TLS streams this instance passes through now (its /metrics). */
  pipesOpen(): Promise<number>;
  output(): string;
  /** kill -9: no goodbye to anyone. */
  kill(): void;
  /** Starts the instance again, same ports and data (a restarted container). */
  restart(): Promise<void>;
  readonly dead: boolean;
}

export interface ClusterHome {
  name: string;
  homeId: string;
  /** The agent's lifeline.yaml (for `lifeline pair -c`). */
  configFile: string;
  /** The agent's own plain listener on 127.0.0.1 (the LAN path: pairing without any relay). */
  lanUrl: string;
}

export interface RelayCluster {
  lb: TestHaproxy;
  relays: ClusterRelay[];
  homes: ClusterHome[];
  /** A phone's GET https://<name>/healthz through HAProxy, trusting only the homes' CA. */
  reach(home: ClusterHome, timeoutMs?: number): Promise<boolean>;
  /** A phone's TLS connection to the home's name through HAProxy, held open until `close`. */
  hold(home: ClusterHome): Promise<{ close(): void }>;
  /** Names no phone reaches now (all probed at once). */
  unreachable(timeoutMs?: number): Promise<string[]>;
  /** Waits until a phone has reached every home (each at least once); the milliseconds it took. */
  waitAllReachable(timeoutMs: number): Promise<number>;
  /** What a home's agent printed (its log, LIFELINE_LOG from the options). */
  homeOutput(home: ClusterHome): string;
  /** The instance holding a home's link now (from the relays' logs), if exactly one does. */
  linkHolder(home: ClusterHome): ClusterRelay | undefined;
  /** kill -9 of a home's agent: the home really goes dark. */
  killHome(home: ClusterHome): void;
  /** Starts a killed home's agent again (same data, same port). */
  restartHome(home: ClusterHome): Promise<void>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  homes: number;
  relays?: number;
  /** relay.yaml `cluster:` on each instance (the default); false shows what breaks without it. */
  cluster?: boolean;
  /** Edits the shipped haproxy.cfg (only to prove the tests fail with a broken one). */
  haproxyEdit?: (text: string) => string;
  /** The agents' log level (default warn). */
  agentLog?: string;
  /** How many agents start at once (each is a node process). */
  startConcurrency?: number;
  /** The relays' shared PostgreSQL (`cluster.database`); without it each keeps its own relay.db. */
  database?: string;
  /** The relays' `offline:` (default: the relay's own defaults). */
  offline?: { afterSeconds: number; graceSeconds: number };
  /** PEM of a CA the relays trust besides the system's (the test push service's). */
  relayCa?: string;
}

interface Proc {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Every process the harness spawned, ready or not: whatever happens, none outlives the cluster. */
function start(
  spawned: ChildProcess[],
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs = 30_000,
): Promise<Proc> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    spawned.push(child);
    let out = '';
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill('SIGKILL');
      reject(new Error(`timed out waiting for ${ready}:\n${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (!done && ready.test(out)) {
        done = true;
        clearTimeout(timer);
        resolve({
          child,
          output: () => out,
          stop: () => killAndWait(child, 'SIGTERM'),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before ready:\n${out}`));
    });
  });
}

/** Resolves every name to 127.0.0.1, as a phone's DNS would resolve it to the load balancer. */
const loopback = ((_h: string, o: { all?: boolean }, cb: (...a: unknown[]) => void) =>
  o?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) as never;

export async function startRelayCluster(opts: ClusterOptions): Promise<RelayCluster> {
  const tmp = tempDir('lifeline-cluster-');
  const names = Array.from({ length: opts.homes }, (_, i) => homeName(i));
  const relayCerts: TestCerts = makeCerts();
  const homeCerts: TestCerts = makeCerts({ dns: names });
  const procs: Proc[] = [];
  const spawned: ChildProcess[] = [];
  let lb: TestHaproxy | undefined;
  const stop = async () => {
    await Promise.all(procs.map((p) => p.stop()));
    // Those that never got ready (a start that failed while others were still starting).
    await Promise.all(spawned.map((c) => killAndWait(c)));
    await lb?.stop();
    relayCerts.remove();
    homeCerts.remove();
    tmp.remove();
  };
  try {
    // Homes' keys first: the relays' allow-list needs their ids.
    const homes: (ClusterHome & { dir: string; proc?: Proc })[] = [];
    const relayEnv: NodeJS.ProcessEnv = { LIFELINE_LOG: 'info' };
    if (opts.relayCa) {
      writeFileSync(path.join(tmp.dir, 'relay-extra-ca.pem'), opts.relayCa);
      relayEnv.NODE_EXTRA_CA_CERTS = path.join(tmp.dir, 'relay-extra-ca.pem');
    }
    for (const name of names) {
      const dir = path.join(tmp.dir, name);
      const { identity } = await loadOrCreateAgentIdentity(path.join(dir, 'data'));
      const tlsDir = path.join(dir, 'data', 'tls');
      mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
      writeFileSync(path.join(tlsDir, 'certificate.pem'), homeCerts.cert);
      writeFileSync(path.join(tlsDir, 'certificate.key'), homeCerts.key, { mode: 0o600 });
      homes.push({
        name,
        homeId: identity.id,
        dir,
        configFile: path.join(dir, 'lifeline.yaml'),
        // Known once the agent runs: it binds port 0 (a port picked early and bound later can be
        // taken in between by any outgoing connection's ephemeral port).
        lanUrl: '',
      });
    }
    // Agents trust both: the relays' (as a public CA) and their own (to tell, dialling their name
    // as a phone does, whether it reaches them or a relay instance without their link).
    const agentCas = path.join(tmp.dir, 'agent-cas.pem');
    writeFileSync(agentCas, relayCerts.ca + homeCerts.ca);
    writeFileSync(path.join(tmp.dir, 'relay.pem'), relayCerts.cert);
    writeFileSync(path.join(tmp.dir, 'relay.key'), relayCerts.key, { mode: 0o600 });

    const relays: (ClusterRelay & Proc)[] = [];
    for (let i = 0; i < (opts.relays ?? 3); i++) {
      const instance = `relay-${i + 1}`;
      const [ownPort, passPort] = [await freePort(), await freePort()];
      const file = path.join(tmp.dir, `${instance}.yaml`);
      writeFileSync(
        file,
        JSON.stringify({
          listen: {
            host: '127.0.0.1',
            port: ownPort,
            tls: { cert: path.join(tmp.dir, 'relay.pem'), key: path.join(tmp.dir, 'relay.key') },
          },
          data: path.join(tmp.dir, instance),
          homes: homes.map((h) => h.homeId),
          // Every agent and phone here is 127.0.0.1 (HAProxy names each in a PROXY header): per-source
          // limits would throttle the test's crowd of agents.
          limits: { connectsPerMinute: 10_000, sourceConnectsPerMinute: 100_000 },
          passthrough: {
            host: '127.0.0.1',
            port: passPort,
            fallback: `127.0.0.1:${ownPort}`,
            connectsPerMinute: 100_000,
            proxyFrom: ['127.0.0.1'],
          },
          ...(opts.offline ? { offline: opts.offline } : {}),
          ...(opts.cluster === false
            ? {}
            : { cluster: { instance, ...(opts.database ? { database: opts.database } : {}) } }),
        }),
      );
      const run = async () => {
        const p = await start(spawned, ['relay', '-c', file], relayEnv, /TLS pass-through .*\n/);
        procs.push(p);
        return p;
      };
      let p = await run();
      let dead = false;
      relays.push({
        child: p.child,
        output: () => p.output(),
        stop: () => p.stop(),
        instance,
        passPort,
        ownPort,
        linked() {
          const held = new Set<string>();
          for (const m of p.output().matchAll(/home (\w{8}) (connected|disconnected)/g))
            if (m[2] === 'connected') held.add(m[1]!);
            else held.delete(m[1]!);
          return dead ? new Set() : held;
        },
        async pipesOpen() {
          const text = await httpsText(ownPort, '/metrics', relayCerts.ca);
          return Number(/^lifeline_relay_tls_streams_open (\d+)/m.exec(text)?.[1] ?? Number.NaN);
        },
        kill() {
          dead = true;
          p.child.kill('SIGKILL');
        },
        async restart() {
          p = await run();
          dead = false;
        },
        get dead() {
          return dead;
        },
      });
    }

    lb = await startHaproxy({
      relays: relays.map((r) => `127.0.0.1:${r.passPort}`),
      relayName: RELAY_NAME,
      ...(opts.haproxyEdit ? { edit: opts.haproxyEdit } : {}),
    });
    const deadline = Date.now() + 15_000;
    while (
      !Object.values(await lb.serversUp()).every(Boolean) ||
      Object.keys(await lb.serversUp()).length === 0
    ) {
      if (Date.now() > deadline) throw new Error(`HAProxy never saw every relay up:\n${lb.output()}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const lbPort = lb.port;
    const queue = [...homes];
    const startHome = async (h: (typeof homes)[number]) => {
      const file = h.configFile;
      writeFileSync(
        file,
        JSON.stringify({
          home: { name: h.name },
          listen: { host: '127.0.0.1', port: 0 },
          relay: { url: `wss://${RELAY_NAME}:${lbPort}` },
          tls: {
            name: h.name,
            // A CA that never answers: the stored certificate is served, nothing is renewed.
            directory: 'https://127.0.0.1:9/directory',
            provider: {
              provider: 'rfc2136',
              server: '127.0.0.1:9',
              zone: 'lifeline.test',
              key: { name: 'k', algorithm: 'hmac-sha256', secret: Buffer.alloc(32, 1).toString('base64') },
            },
            listen: { host: '127.0.0.1', port: 0 },
          },
        }),
      );
      h.proc = await start(
        spawned,
        ['agent', '-c', file],
        { NODE_EXTRA_CA_CERTS: agentCas, LIFELINE_LOG: opts.agentLog ?? 'warn' },
        /Lifeline is running/,
        60_000,
      );
      procs.push(h.proc);
      h.lanUrl = /Lifeline is running: (\S+)/.exec(h.proc.output())?.[1] ?? '';
    };
    await Promise.all(
      Array.from({ length: opts.startConcurrency ?? 4 }, async () => {
        for (let h = queue.shift(); h; h = queue.shift()) await startHome(h);
      }),
    );

    const reach = (home: ClusterHome, timeoutMs = 3000) =>
      new Promise<boolean>((resolve) => {
        const req = https.get(
          {
            host: home.name,
            port: lbPort,
            path: '/healthz',
            ca: homeCerts.ca,
            lookup: loopback,
            agent: false,
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode === 200));
            res.on('error', () => resolve(false));
          },
        );
        req.on('error', () => resolve(false));
        req.setTimeout(timeoutMs, () => req.destroy(new Error('timed out')));
      });
    const unreachable = async (timeoutMs?: number) => {
      const ok = await Promise.all(homes.map((h) => reach(h, timeoutMs)));
      return homes.filter((_, i) => !ok[i]).map((h) => h.name);
    };
    return {
      lb,
      relays,
      homes,
      reach,
      async hold(home) {
        const s = tls.connect({ host: '127.0.0.1', port: lbPort, servername: home.name, ca: homeCerts.ca });
        await new Promise<void>((resolve, reject) => {
          s.once('secureConnect', () => resolve());
          s.once('error', reject);
        });
        return { close: () => s.destroy() };
      },
      unreachable,
      async waitAllReachable(timeoutMs) {
        // Each home until a phone reaches it once: an agent admits ~2 connections a second from
        // one address (all of these come from HAProxy's), so reachable homes are not asked again.
        const t0 = Date.now();
        let left = [...homes];
        while (left.length > 0) {
          const ok = await Promise.all(left.map((h) => reach(h, 1000)));
          left = left.filter((_, i) => !ok[i]);
          if (left.length === 0) break;
          if (Date.now() - t0 > timeoutMs)
            throw new Error(`still unreachable: ${left.map((h) => h.name).join(', ')}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        return Date.now() - t0;
      },
      killHome(home) {
        homes.find((h) => h.name === home.name)?.proc?.child.kill('SIGKILL');
      },
      async restartHome(home) {
        const h = homes.find((x) => x.name === home.name);
        if (h) await startHome(h);
      },
      homeOutput: (home) => homes.find((h) => h.name === home.name)?.proc?.output() ?? '',
      linkHolder(home) {
        const held = relays.filter((r) => r.linked().has(home.homeId.slice(0, 8)));
        return held.length === 1 ? held[0] : undefined;
      },
      stop,
    };
  } catch (err) {
    // The first failure is the one to tell, not one from tidying up after it.
    await stop().catch(() => {});
    throw err;
  }
}

function httpsText(port: number, pathname: string, ca: string): Promise<string> {
  return httpsGetText({ servername: RELAY_NAME, port, path: pathname, ca, agent: false });
}
