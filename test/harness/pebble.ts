// Let's Encrypt's ACME test CA (Debian's `pebble`) on loopback ports. It resolves `_acme-challenge`
// names through the DNS server the test names (a test BIND), so DNS-01 is validated for real;
// PEBBLE_VA_ALWAYS_VALID is never set. Its own HTTPS listener uses a certificate made here by
// openssl; the CA that signs the certificates it issues is new at every start (`root()`).
//
// Lifetime of issued certificates: pebble 2.4 defaults to 157766400 s (5 years); the config field
// `certificateValidityPeriod` (seconds) shortens it — `validitySeconds` here — for renewal tests.
//
// The ACME port goes through a small TCP forwarder so `down()` / `up()` can make the CA unreachable
// (connection refused) while pebble keeps its accounts and its root.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { killAndWait } from './child.js';
import { freePort } from './cli.js';
import { tempDir } from './temp.js';
import { selfSignedCertificate } from './tls.js';

export interface TestPebble {
  /** The ACME directory URL (through the forwarder). */
  directory: string;
  /** PEM of the certificate of pebble's own HTTPS listener: what an ACME client must trust (`caFile`). */
  listenerCa: string;
  listenerCaFile: string;
  /** Pebble's current root CA (PEM), which issued certificates chain to. */
  root(): Promise<string>;
  /** Requests that reached the ACME port (method and path), for tests that count attempts. */
  connections: number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export interface PebbleOptions {
  /** host:port of the DNS server pebble resolves challenge names through. */
  dnsServer: string;
  /** Lifetime of issued certificates in seconds (default: pebble's 5 years). */
  validitySeconds?: number;
  /**
   * Percentage of orders that reuse a still-valid authorization (pebble's default 50). Default 0
   * here, so every order makes a fresh DNS-01 challenge and a test can count on it.
   */
  authzReuse?: number;
}

function listenerCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'listener.pem');
  const key = path.join(dir, 'listener.key');
  selfSignedCertificate({
    certFile: cert,
    keyFile: key,
    subject: 'pebble test listener',
    altNames: ['IP:127.0.0.1', 'DNS:localhost'],
    days: 2,
  });
  return { cert, key };
}

/** A TCP forwarder that can refuse connections (CA down) and accept again on the same port. */
async function forwarder(target: number) {
  const port = await freePort();
  const open = new Set<net.Socket>();
  let server: net.Server | undefined;
  let count = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((down) => {
        count++;
        const up = net.connect(target, '127.0.0.1');
        open.add(down).add(up);
        const drop = () => {
          down.destroy();
          up.destroy();
          open.delete(down);
          open.delete(up);
        };
        down.on('error', drop).on('close', drop);
        up.on('error', drop).on('close', drop);
        down.pipe(up).pipe(down);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        server = s;
        resolve();
      });
    });
  const close = async () => {
    const s = server;
    server = undefined;
    for (const sock of open) sock.destroy();
    open.clear();
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  await listen();
  return {
    port,
    get count() {
      return count;
    },
    close,
    async reopen() {
      // The just-closed port may linger for a moment.
      for (let i = 0; i < 20 && !server; i++)
        await listen().catch(() => new Promise((r) => setTimeout(r, 100)));
      if (!server) throw new Error(`could not listen on ${port} again`);
    },
  };
}

function getText(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
        });
        res.on('end', () =>
          res.statusCode === 200 ? resolve(body) : reject(new Error(`${url}: HTTP ${res.statusCode}`)),
        );
      })
      .on('error', reject);
  });
}

export async function startPebble(opts: PebbleOptions): Promise<TestPebble> {
  const tmp = tempDir('lifeline-pebble-');
  const listener = listenerCertificate(tmp.dir);
  const listenerCa = readFileSync(listener.cert, 'utf8');
  let child: ChildProcess | undefined;
  let output = '';
  let acmePort = 0;
  let managementPort = 0;

  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    acmePort = await freePort();
    managementPort = await freePort();
    const config = {
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${managementPort}`,
        certificate: listener.cert,
        privateKey: listener.key,
        // Nothing listens there: HTTP-01 and TLS-ALPN-01 cannot pass, only DNS-01 can.
        httpPort: await freePort(),
        tlsPort: await freePort(),
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
        ...(opts.validitySeconds ? { certificateValidityPeriod: opts.validitySeconds } : {}),
      },
    };
    const file = path.join(tmp.dir, 'pebble.json');
    writeFileSync(file, JSON.stringify(config));
    output = '';
    const c = spawn('/usr/bin/pebble', ['-config', file, '-dnsserver', opts.dnsServer], {
      cwd: tmp.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        PEBBLE_VA_NOSLEEP: '1',
        PEBBLE_AUTHZREUSE: String(opts.authzReuse ?? 0),
      },
    });
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 15_000);
      const on = (d: Buffer) => {
        output += d.toString();
        if (output.includes('ACME directory available')) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      c.stdout!.on('data', on);
      c.stderr!.on('data', on);
      c.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (ok) child = c;
    else c.kill('SIGKILL');
  }
  if (!child) {
    tmp.remove();
    throw new Error(`pebble did not start:\n${output}`);
  }
  const proc = child;
  const fwd = await forwarder(acmePort);

  return {
    directory: `https://127.0.0.1:${fwd.port}/dir`,
    listenerCa,
    listenerCaFile: listener.cert,
    root: () => getText(`https://127.0.0.1:${managementPort}/roots/0`, listenerCa),
    get connections() {
      return fwd.count;
    },
    down: () => fwd.close(),
    up: () => fwd.reopen(),
    async close() {
      await fwd.close();
      await killAndWait(proc, 'SIGTERM');
      tmp.remove();
    },
  };
}
