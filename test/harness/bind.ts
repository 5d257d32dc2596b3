// A real BIND 9 (Debian's `named`) on a loopback high port, serving one test zone that accepts
// RFC 2136 updates signed with a TSIG key. Stop and start it again to play "the DNS server is down".
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Resolver } from 'node:dns/promises';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { killAndWait } from './child.js';
import { freePort } from './cli.js';
import { tempDir } from './temp.js';

export interface TestBind {
  port: number;
  zone: string;
  key: { name: string; algorithm: string; secret: string };
  /** `127.0.0.1:<port>` as a resolver / server entry. */
  server: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startBind(opts: { zone?: string; records?: string[] } = {}): Promise<TestBind> {
  const tmp = tempDir('lifeline-bind-');
  const zone = opts.zone ?? 'lifeline.test';
  const key = { name: 'lifeline-key', algorithm: 'hmac-sha256', secret: randomBytes(32).toString('base64') };
  const zoneFile = path.join(tmp.dir, `${zone}.zone`);
  writeFileSync(
    zoneFile,
    [
      '$TTL 60',
      `@ IN SOA ns1.${zone}. hostmaster.${zone}. 1 3600 600 86400 60`,
      `@ IN NS ns1.${zone}.`,
      `ns1 IN A 127.0.0.1`,
      ...(opts.records ?? []),
      '',
    ].join('\n'),
  );
  let child: ChildProcess | undefined;
  let port = 0;
  let output = '';

  const writeConf = () =>
    writeFileSync(
      path.join(tmp.dir, 'named.conf'),
      `options {
  directory "${tmp.dir}";
  pid-file "${tmp.dir}/named.pid";
  session-keyfile "${tmp.dir}/session.key";
  listen-on port ${port} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  dnssec-validation no;
  notify no;
};
controls { };
key "${key.name}" { algorithm ${key.algorithm}; secret "${key.secret}"; };
zone "${zone}" { type primary; file "${zoneFile}"; allow-update { key "${key.name}"; }; };
`,
    );

  /** Starts named on the configured port; resolves false if it exits or never says "running". */
  const spawnNamed = async (): Promise<boolean> => {
    output = '';
    const c = spawn('/usr/sbin/named', ['-g', '-c', path.join(tmp.dir, 'named.conf')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 15_000);
      const on = (d: Buffer) => {
        output += d.toString();
        if (output.includes('running')) {
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
    if (!ok) {
      c.kill('SIGKILL');
      return false;
    }
    child = c;
    // named says "running" a moment before its sockets answer; wait until the zone does.
    const probe = new Resolver({ timeout: 500, tries: 1 });
    probe.setServers([`127.0.0.1:${port}`]);
    for (let i = 0; i < 40; i++) {
      if (
        await probe.resolveSoa(zone).then(
          () => true,
          () => false,
        )
      )
        return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return true;
  };

  const stop = async () => {
    const c = child;
    child = undefined;
    if (c) await killAndWait(c, 'SIGTERM');
  };

  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    writeConf();
    await spawnNamed();
  }
  if (!child) throw new Error(`named did not start:\n${output}`);

  return {
    get port() {
      return port;
    },
    zone,
    key,
    get server() {
      return `127.0.0.1:${port}`;
    },
    stop,
    async start() {
      // The same port as before: the agent's config points at it. A just-closed port may linger.
      for (let i = 0; i < 20 && !child; i++)
        if (!(await spawnNamed())) await new Promise((r) => setTimeout(r, 500));
      if (!child) throw new Error(`named did not restart on port ${port}:\n${output}`);
    },
    async close() {
      await stop();
      tmp.remove();
    },
  };
}
