// What each command loads (issue 12: `lifeline <subcommand>` loads only what it uses, and each
// capability and driver only when configured). Every module the real executable loads is recorded
// by a module hook; the lists below are what must stay out. Memory follows code: the relay's
// modules and the PostgreSQL client in `lifeline agent` were ~5 MiB of an idle agent's 80.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runCli, startCli } from '../../harness/cli.js';
import { tempDir } from '../../harness/temp.js';

const tmp = tempDir();
afterAll(() => tmp.remove());
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const recorder = new URL('../../harness/load-recorder/register.mjs', import.meta.url).href;
let runs = 0;

function recording(): {
  env: NodeJS.ProcessEnv;
  loaded: () => string[];
  chunks: () => string[];
  builtins: () => string[];
} {
  const file = path.join(tmp.dir, `loads-${runs++}.txt`);
  writeFileSync(file, '');
  const lines = () => readFileSync(file, 'utf8').split('\n');
  // Repository-relative paths of the files loaded (dist/…, node_modules/…); node: built-ins left out.
  const files = () =>
    lines()
      .filter((u) => u.startsWith('file:'))
      .map((u) => path.relative(ROOT, fileURLToPath(u)));
  return {
    env: {
      LIFELINE_RECORD_LOADS: file,
      NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${recorder}`].filter(Boolean).join(' '),
    },
    // The built-ins imported as ES modules (`import … from 'node:…'`), which is when Node builds
    // their ES module facade; CommonJS require() and process.getBuiltinModule() do not show here.
    builtins: () => [...new Set(lines().filter((u) => u.startsWith('node:')))],
    // The files of the bundle (dist/lifeline/) the process loaded: what runs is the bundle.
    chunks: () => files().filter((f) => f.startsWith('dist/lifeline/')),
    // What was loaded, a chunk of the bundle (dist/lifeline/) standing for the modules it carries.
    loaded: () =>
      files().flatMap((f) => {
        const chunk = /^dist\/lifeline\/(.+)$/.exec(f)?.[1];
        if (chunk === undefined) return [f];
        const modules = bundled()[chunk];
        if (modules === undefined) throw new Error(`${f} is not in dist/lifeline/modules.json`);
        return modules;
      }),
  };
}

/** The bundle's manifest (scripts/bundle-server.mjs): each chunk of dist/lifeline/ and its modules. */
let manifest: Record<string, string[]> | undefined;
const bundled = () =>
  (manifest ??= JSON.parse(readFileSync(path.join(ROOT, 'dist/lifeline/modules.json'), 'utf8')) as Record<
    string,
    string[]
  >);

/** A plug brand's device code (its folder's driver.ts and what only it imports), not its spec.ts. */
const isDriverCode = (f: string) =>
  /^dist\/server\/agent\/power\/drivers\/[^/]+\//.test(f) && !f.endsWith('/spec.js');

const DEV_ONLY = Object.keys(
  (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { devDependencies: object })
    .devDependencies,
);

const packagesIn = (files: string[]) =>
  new Set(
    files.map((f) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1]).filter((p) => p !== undefined),
  );

/** Runs `lifeline agent` with this config (plus a relay) until it is up; what it loaded. */
async function agentLoads(name: string, extra: object): Promise<{ files: string[]; builtins: string[] }> {
  const rec = recording();
  const config = path.join(tmp.dir, `${name}.yaml`);
  writeFileSync(
    config,
    JSON.stringify({
      listen: { host: '127.0.0.1', port: 0 },
      data: path.join(tmp.dir, `${name}-data`),
      // Nothing answers here: the agent keeps redialling, which is all it needs to do.
      relay: { url: 'ws://127.0.0.1:9' },
      ...extra,
    }),
  );
  const agent = await startCli(['agent', '-c', config], /Lifeline is running/, { env: rec.env });
  await agent.stop();
  return { files: rec.loaded(), builtins: rec.builtins() };
}

// Built-ins whose ES module facade costs memory for good: building it reads every export, and
// `tls.rootCertificates` is a getter that copies Node's ~140 root certificates into JavaScript
// strings (~200 KiB of an idle agent's heap). server/node-tls.ts reaches it without the facade.
const COSTLY_FACADES = ['node:tls'];

describe('what each command loads', () => {
  it('`lifeline agent` with no capability configured loads neither the relay nor any capability library', async () => {
    const { files, builtins } = await agentLoads('agent', {});
    // The recorder works: the agent itself and its web framework are in the list.
    expect(files).toEqual(expect.arrayContaining(['dist/server/agent/agent.js', 'dist/server/cli/start.js']));
    expect(packagesIn(files)).toContain('fastify');
    // The embedded relay belongs to `lifeline start`, not to the agent that links out to one.
    expect(files.filter((f) => f.startsWith('dist/server/relay/') || f === 'dist/server/compose.js')).toEqual(
      [],
    );
    const never = [
      'pg', // the relay cluster's store
      'web-push', // the relay's push sender
      'mqtt', // MQTT plugs only
      'tplink-smarthome-api', // Kasa plugs only
      '@silentbot1/nat-api', // the router's public address, only with network.publicIp.router
      'acme-client', // certificates, only with tls
      'qrcode', // pairing codes on a terminal
      'prom-client', // the first scrape of /metrics
      '@simplewebauthn/server', // the first passkey
      'dockerode', // never: the agent speaks the Engine API itself
    ];
    expect([...packagesIn(files)].filter((p) => never.includes(p))).toEqual([]);
    // Nothing a production install leaves out (the images run `npm prune --omit=dev`).
    expect([...packagesIn(files)].filter((p) => DEV_ONLY.includes(p))).toEqual([]);
    // No plug configured: no plug driver's code (each brand's spec.ts, its config keys, does load).
    expect(files.filter(isDriverCode)).toEqual([]);
    // The recorder sees built-ins imported as ES modules (the agent's own files import several).
    expect(builtins).toContain('node:net');
    expect(builtins.filter((b) => COSTLY_FACADES.includes(b))).toEqual([]);
  });

  it('`lifeline agent` loads the driver of each configured plug brand, and no other', async () => {
    // Nothing answers there: the plug is polled, and shows as unreachable.
    const { files } = await agentLoads('agent-plug', {
      power: [{ id: 'nas', name: 'NAS', driver: 'shelly-gen1', address: '127.0.0.1:9' }],
    });
    expect(files.filter(isDriverCode)).toEqual(['dist/server/agent/power/drivers/shelly-gen1/driver.js']);
    // Every brand's keys are known (a config naming another brand is checked against its spec).
    expect(files).toEqual(
      expect.arrayContaining([
        'dist/server/agent/power/drivers/kasa/spec.js',
        'dist/server/agent/power/drivers/miio/spec.js',
      ]),
    );
  });

  it('`lifeline relay` loads none of the agent, and PostgreSQL only in a cluster', async () => {
    const rec = recording();
    const config = path.join(tmp.dir, 'relay.yaml');
    const port = await freePort();
    // The first run writes the default relay config: one relay, its state in SQLite.
    const relay = await startCli(['relay', '-c', config, '-p', String(port)], /serves no home yet/, {
      env: rec.env,
    });
    await relay.stop();
    const files = rec.loaded();
    expect(files).toEqual(expect.arrayContaining(['dist/server/relay/relay.js', 'dist/server/cli/relay.js']));
    // Not the agent's code, nor lifeline.yaml's schema with every capability's and plug's keys.
    expect(files.filter((f) => /^dist\/server\/(agent|config\/(schema|load))\b/.test(f))).toEqual([]);
    expect(
      [...packagesIn(files)].filter((p) => ['pg', 'mqtt', 'tplink-smarthome-api', 'qrcode'].includes(p)),
    ).toEqual([]);
    expect([...packagesIn(files)].filter((p) => DEV_ONLY.includes(p))).toEqual([]);
    expect(rec.builtins().filter((b) => COSTLY_FACADES.includes(b))).toEqual([]);
  });

  it('`lifeline --help` loads no agent, relay or web framework', async () => {
    const rec = recording();
    const r = await runCli(['--help'], { env: rec.env });
    expect(r.code).toBe(0);
    const files = rec.loaded();
    expect(files).toContain('dist/server/cli/main.js');
    // The executable runs the bundle, whose chunks carry the compiled modules (and commander).
    expect(rec.chunks()).toContain('dist/lifeline/main.js');
    expect(files.filter((f) => /^dist\/server\/(agent|relay)\//.test(f))).toEqual([]);
    expect([...packagesIn(files)].filter((p) => p !== 'commander')).toEqual([]);
  });
});
