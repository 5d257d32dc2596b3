// A test's own Docker engine: Debian's dockerd on a private socket, with its data, exec root, pid
// file, trust key and CLI config all under one temp folder. It touches no host network settings
// (no iptables, no bridge, no ip_forward); containers run with `--network none`. Test images are
// `docker import`s of a busybox rootfs, since no registry is reachable.
// Self-contained (node built-ins only) so the benchmark can load it too.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import path from 'node:path';

const DOCKER_CLI = ['/usr/bin/docker', '/usr/local/bin/docker'].find((p) => existsSync(p)) ?? 'docker';
const DOCKERD = ['/usr/sbin/dockerd', '/usr/bin/dockerd'].find((p) => existsSync(p)) ?? 'dockerd';
const BUSYBOX = '/bin/busybox';
export const TEST_IMAGE = 'lifeline-test/busybox:1';

export interface Cli {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface TestDockerd {
  /** The private socket's path (what `docker[].socket` points at). */
  socket: string;
  /** A scratch folder under the daemon's temp folder, for bind mounts. */
  scratch: string;
  /** With `{ tls: true }`: the daemon also listens on TCP with --tlsverify, and a client certificate for it. */
  tls: { url: string; ca: string; cert: string; key: string } | null;
  /** Runs the docker CLI against this daemon. */
  docker(args: string[], input?: Buffer | string): Promise<Cli>;
  /** Same, but throws with the CLI's message on a non-zero exit; returns trimmed stdout. */
  run(...args: string[]): Promise<string>;
  /** `run`, with the first argument split into words: `cmd('run -d --name x', image, 'sh', '-c', script)`. */
  cmd(words: string, ...args: string[]): Promise<string>;
  /**
   * Stops the daemon (containers are stopped by it, data kept), as `systemctl stop docker` would;
   * with `liveRestore` the containers keep running.
   */
  stop(): Promise<void>;
  /** Starts it again on the same socket and data. */
  start(): Promise<void>;
  readonly running: boolean;
  /** Removes every container, stops the daemon and deletes its folders. */
  close(): Promise<void>;
}

function collect(child: ChildProcess, input?: Buffer | string): Promise<Cli> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    // A command that exits before reading its input (the docker CLI against a stopped daemon)
    // closes the pipe first: that EPIPE is not its failure, its exit code says what happened. Unheard,
    // it was an unhandled error that failed a whole CI run with every test passed.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input ?? '');
  });
}

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function overlaySupported(): boolean {
  try {
    return /\boverlay\b/.test(readFileSync('/proc/filesystems', 'utf8'));
  } catch {
    return false;
  }
}

/** A busybox rootfs: /bin/busybox and one symlink per applet (sh, sleep, touch, …). */
export function busyboxRootfs(dir: string): string {
  const root = path.join(dir, 'rootfs');
  for (const d of ['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'app'])
    mkdirSync(path.join(root, d), { recursive: true });
  const busybox = readFileSync(BUSYBOX);
  // The image has no libc: only Debian's busybox-static works in it, not the dynamic busybox.
  if (busybox.includes('/ld-linux') || busybox.includes('/ld-musl'))
    throw new Error(`${BUSYBOX} is dynamically linked: apt-get install busybox-static`);
  writeFileSync(path.join(root, 'bin', 'busybox'), busybox);
  chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  const applets = spawnSync(BUSYBOX, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  for (const applet of applets) {
    const link = path.join(root, 'bin', applet);
    if (!existsSync(link)) symlinkSync('busybox', link);
  }
  writeFileSync(path.join(root, 'etc', 'passwd'), 'root:x:0:0:root:/:/bin/sh\n');
  return root;
}

/** Starts a daemon; with `{ started: false }` only prepares it (its socket path is known, nothing listens yet). */
export async function startDockerd(
  opts: {
    started?: boolean;
    tls?: boolean;
    /** daemon.json's live-restore: stopping the daemon leaves its containers running. */
    liveRestore?: boolean;
  } = {},
): Promise<TestDockerd> {
  // Short paths: containerd's sockets live under the exec root and unix socket paths are limited.
  const dir = mkdtempSync('/tmp/lld-');
  const socket = path.join(dir, 'docker.sock');
  const scratch = path.join(dir, 'scratch');
  mkdirSync(scratch);
  mkdirSync(path.join(dir, 'cli'));
  // The trust key would otherwise be written to /etc/docker/key.json.
  writeFileSync(
    path.join(dir, 'daemon.json'),
    JSON.stringify({
      'deprecated-key-path': path.join(dir, 'key.json'),
      ...(opts.liveRestore ? { 'live-restore': true } : {}),
    }),
  );
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: path.join(dir, 'cli') };
  const tls = opts.tls ? { ...makeCertificates(path.join(dir, 'tls')), port: await freeTcpPort() } : null;
  let storage: string | undefined = overlaySupported() ? undefined : 'vfs';
  let daemon: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const spawnDaemon = () => {
    const log = openSync(path.join(dir, 'dockerd.log'), 'a');
    const child = spawn(
      DOCKERD,
      [
        `--host=unix://${socket}`,
        `--data-root=${path.join(dir, 'data')}`,
        `--exec-root=${path.join(dir, 'exec')}`,
        `--pidfile=${path.join(dir, 'dockerd.pid')}`,
        `--config-file=${path.join(dir, 'daemon.json')}`,
        '--iptables=false',
        '--ip6tables=false',
        '--ip-forward=false',
        '--ip-masq=false',
        '--bridge=none',
        ...(storage ? [`--storage-driver=${storage}`] : []),
        ...(tls
          ? [
              `--host=tcp://127.0.0.1:${tls.port}`,
              '--tlsverify',
              `--tlscacert=${tls.ca}`,
              `--tlscert=${tls.serverCert}`,
              `--tlskey=${tls.serverKey}`,
            ]
          : []),
      ],
      { stdio: ['ignore', log, log] },
    );
    exited = new Promise((r) => child.once('exit', () => r()));
    daemon = child;
    return child;
  };

  const waitReady = async (child: ChildProcess) => {
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) return false;
      if (await ping(socket)) return true;
      await sleep(100);
    }
    return false;
  };

  const start = async () => {
    let child = spawnDaemon();
    if (!(await waitReady(child))) {
      child.kill('SIGKILL');
      await exited;
      if (storage === 'vfs') throw new Error(`dockerd did not start:\n${tail(dir)}`);
      // overlay2 is unusable here (e.g. a nested overlay): fall back to the always-working vfs.
      storage = 'vfs';
      child = spawnDaemon();
      if (!(await waitReady(child))) {
        child.kill('SIGKILL');
        await exited;
        throw new Error(`dockerd did not start with vfs either:\n${tail(dir)}`);
      }
    }
  };

  const stop = async () => {
    const child = daemon;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(killer);
    daemon = null;
  };

  const docker = (args: string[], input?: Buffer | string) =>
    collect(spawn(DOCKER_CLI, args, { env, stdio: ['pipe', 'pipe', 'pipe'] }), input);

  const run = async (...args: string[]) => {
    const r = await docker(args);
    if (r.code !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr.trim() || r.stdout.trim()}`);
    return r.stdout.trim();
  };

  // If the test process dies without teardown, do not leave a daemon behind.
  const onExit = () => daemon?.kill('SIGKILL');
  process.once('exit', onExit);

  let imported = false;
  const startAndImport = async () => {
    await start();
    if (imported) return;
    const rootfs = busyboxRootfs(dir);
    const tarBytes = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      const p = spawn('tar', ['-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
      p.stdout.on('data', (c: Buffer) => chunks.push(c));
      p.on('error', reject);
      p.on('close', () => resolve(Buffer.concat(chunks)));
    });
    const r = await docker(['import', '-', TEST_IMAGE], tarBytes);
    if (r.code !== 0) throw new Error(`docker import failed: ${r.stderr}`);
    imported = true;
  };

  try {
    if (opts.started !== false) await startAndImport();
  } catch (err) {
    await stop().catch(() => undefined);
    cleanup(dir);
    process.removeListener('exit', onExit);
    throw err;
  }

  return {
    socket,
    scratch,
    tls: tls
      ? { url: `tcp://127.0.0.1:${tls.port}`, ca: tls.ca, cert: tls.clientCert, key: tls.clientKey }
      : null,
    docker,
    run,
    cmd: (words, ...args) => run(...words.split(/\s+/).filter(Boolean), ...args),
    stop,
    start: startAndImport,
    get running() {
      return daemon !== null && daemon.exitCode === null;
    },
    async close() {
      // Containers left running by a live-restore stop are removed through the daemon.
      if (opts.liveRestore && imported && !(daemon && daemon.exitCode === null))
        await start().catch(() => {});
      if (daemon && daemon.exitCode === null) {
        const ids = (await docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
        if (ids.length > 0) await docker(['rm', '-f', ...ids]);
      }
      await stop();
      cleanup(dir);
      process.removeListener('exit', onExit);
    },
  };
}

function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, as `dockerd --tlsverify` wants. */
function makeCertificates(dir: string) {
  mkdirSync(dir);
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...key,
    '-keyout',
    f('ca-key.pem'),
    '-out',
    f('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=lifeline test CA',
  );
  for (const [who, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'],
    ['client', 'extendedKeyUsage=clientAuth\n'],
  ] as const) {
    writeFileSync(f(`${who}.ext`), ext);
    openssl('req', ...key, '-keyout', f(`${who}-key.pem`), '-out', f(`${who}.csr`), '-subj', `/CN=${who}`);
    openssl(
      'x509',
      '-req',
      '-in',
      f(`${who}.csr`),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca-key.pem'),
      '-CAcreateserial',
      '-out',
      f(`${who}-cert.pem`),
      '-days',
      '2',
      '-extfile',
      f(`${who}.ext`),
    );
  }
  return {
    ca: f('ca.pem'),
    serverCert: f('server-cert.pem'),
    serverKey: f('server-key.pem'),
    clientCert: f('client-cert.pem'),
    clientKey: f('client-key.pem'),
  };
}

function tail(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Ends whatever still runs from this folder (container shims), unmounts what is left, deletes it. */
function cleanup(dir: string): void {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    if (Number(pid) === process.pid) continue;
    let ours = false;
    try {
      ours = readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
    } catch {}
    try {
      ours ||= readlinkSync(`/proc/${pid}/cwd`).startsWith(dir);
    } catch {}
    try {
      if (ours) process.kill(Number(pid), 'SIGKILL');
    } catch {}
  }
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}
