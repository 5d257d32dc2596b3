// The deploy recipes (deploy/): what they pin, what they grant, and that the pieces agree with each
// other and with the code's defaults. The files are read as they are; nothing here is a second copy.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { lockedRuntime } from '../../scripts/node24/run.mjs';
import { loadConfig } from '../../server/config/load.js';
import { DEFAULT_RELAY_CONFIG, loadRelayConfig } from '../../server/config/relay-schema.js';
import {
  compose,
  deployFile,
  dockerfile,
  healthcheckCommand,
  imageReferences,
  mount,
  REPO,
  readDeploy,
  unitFile,
} from './recipe-files.js';

const DOCKERFILES = ['docker/Dockerfile.agent', 'docker/Dockerfile.relay'];
const COMPOSES = ['compose/agent.compose.yaml', 'compose/relay.compose.yaml'];
const UNITS = ['systemd/lifeline-agent.service', 'systemd/lifeline-relay.service'];
// The node flags each program's image ENTRYPOINT and systemd unit give (V8 flags cannot go in
// NODE_OPTIONS): the agent runs without Sparkplug's baseline code (its unit says why).
const NODE_FLAGS: Record<string, string[]> = { agent: ['--no-sparkplug'], relay: [] };
/** docker/Dockerfile.agent → agent */
const programOf = (dockerfileRel: string) => dockerfileRel.split('.').at(-1)!;
const PINNED = /^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9._-]+)?@sha256:[0-9a-f]{64}$/;

describe('everything referenced is pinned', () => {
  it('pins every FROM and image: by a sha256 digest', () => {
    const refs = imageReferences({ dockerfiles: DOCKERFILES, composes: COMPOSES });
    expect(refs.length).toBeGreaterThanOrEqual(6);
    for (const { where, ref } of refs) expect(ref, where).toMatch(PINNED);
  });

  it('builds the Lifeline services from this checkout instead of naming an unpinned image', () => {
    for (const rel of COMPOSES)
      for (const [name, svc] of Object.entries(compose(rel).services))
        if (svc.build) {
          expect(svc.image, `${rel} ${name}`).toBeUndefined();
          expect(
            existsSync(path.join(deployFile(path.dirname(rel)), svc.build.context, svc.build.dockerfile)),
          ).toBe(true);
        }
  });

  it('uses one base for build and runtime, and the same in both images (the addon is built for it)', () => {
    const froms = DOCKERFILES.flatMap((rel) =>
      dockerfile(rel)
        .filter((i) => i.op === 'FROM')
        .map((i) => i.args.split(/\s+/)[0]),
    );
    expect(froms).toHaveLength(4);
    expect(new Set(froms).size).toBe(1);
  });

  it('names no unpinned BuildKit frontend, and pins the npm that builds', () => {
    for (const rel of DOCKERFILES) {
      expect(readDeploy(rel)).not.toMatch(/^#\s*syntax=/m);
      const npm = dockerfile(rel).find((i) => i.op === 'RUN' && /npm install -g npm@/.test(i.args));
      expect(npm?.args, rel).toMatch(/npm@\d+\.\d+\.\d+$/);
    }
  });

  it('runs the images on the Node release the suite also runs on (npm run test:node24)', () => {
    const from = dockerfile(DOCKERFILES[0]!).find((i) => i.op === 'FROM')?.args ?? '';
    expect(from).toMatch(/^node:\d+\.\d+\.\d+-[a-z]+-slim@/);
    expect(from.match(/^node:(\d+\.\d+\.\d+)-/)?.[1]).toBe(lockedRuntime().version);
  });

  it('compiles better-sqlite3 against the Node headers the suite tests it with', () => {
    for (const rel of DOCKERFILES) {
      const env = dockerfile(rel)
        .filter((i) => i.stage === 0 && i.op === 'ENV')
        .flatMap((i) => i.args.split(/\s+/));
      // npm_config_nodedir would win over the target and compile against the image's own headers.
      expect(
        env.filter((kv) => kv.startsWith('npm_config_nodedir=')),
        rel,
      ).toEqual([]);
      expect(env, rel).toContain(`npm_config_target=${lockedRuntime().headers.version}`);
    }
  });

  it('builds the agent and the relay from the same build stage, line for line', () => {
    const [agent, relay] = DOCKERFILES.map((rel) => dockerfile(rel).filter((i) => i.stage === 0));
    expect(relay).toEqual(agent);
  });
});

describe('the runtime settings (deploy/runtime.env, measured by bench/idle.mjs)', () => {
  const settings = readFileSync(path.join(REPO, 'deploy/runtime.env'), 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_]+=/.test(l));
  it('has the allocator and heap settings', () => {
    expect(settings).toEqual(['MALLOC_ARENA_MAX=2', 'NODE_OPTIONS=--max-semi-space-size=1']);
  });
  it.each(['deploy/systemd/lifeline-agent.service', 'deploy/systemd/lifeline-relay.service'])(
    '%s sets them',
    (unit) => {
      const env = readFileSync(path.join(REPO, unit), 'utf8').match(/^Environment=(MALLOC.*)$/m)?.[1];
      expect(env?.split(' ')).toEqual(settings);
    },
  );
  it.each(DOCKERFILES)('%s sets them', (rel) => {
    const envs = dockerfile(rel)
      .filter((i) => i.stage === 1 && i.op === 'ENV')
      .map((i) => i.args)
      .join(' ');
    for (const setting of settings) expect(envs).toContain(setting);
  });
});

describe('the images', () => {
  it.each(DOCKERFILES)('%s runs as a non-root user, without compilers, with a health check', (rel) => {
    const runtime = dockerfile(rel).filter((i) => i.stage === 1);
    const user = runtime.filter((i) => i.op === 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    for (const run of runtime.filter((i) => i.op === 'RUN'))
      expect(run.args).not.toMatch(/\b(g\+\+|gcc|make)\b/);
    expect(healthcheckCommand(rel).slice(0, 2)).toEqual(['node', '-e']);
    expect(JSON.parse(runtime.find((i) => i.op === 'ENTRYPOINT')?.args ?? '[]')).toEqual([
      'node',
      ...NODE_FLAGS[programOf(rel)]!,
      '/app/bin/lifeline.js',
    ]);
  });

  it('runs node with the same flags as the systemd units, and the node under test accepts them', () => {
    for (const [program, flags] of Object.entries(NODE_FLAGS)) {
      const unit = `systemd/lifeline-${program}.service`;
      const exec = unitFile(unit).Service?.ExecStart?.[0]?.split(' ') ?? [];
      expect(exec.slice(1, exec.indexOf('/opt/lifeline/bin/lifeline.js')), unit).toEqual(flags);
    }
    // A V8 flag a later node no longer knows would keep the service from starting at all: CI runs this
    // on every node version package.json allows.
    for (const flag of Object.values(NODE_FLAGS).flat()) {
      const r = spawnSync(process.execPath, [flag, '-e', '0'], { encoding: 'utf8' });
      expect(`${r.status} ${r.stderr}`, flag).toBe('0 ');
    }
  });

  it('keeps secrets, local state and host builds out of the build context, but not what the build copies', () => {
    const patterns = readFileSync(path.join(REPO, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'))
      .map((p) => p.replace(/\/$/, ''));
    for (const must of [
      '.env',
      'lifeline.yaml',
      'relay.yaml',
      'data',
      'relay-data',
      'node_modules',
      'dist',
      '.git',
    ])
      expect(patterns).toContain(must);
    const ignored = (file: string) =>
      patterns.some((p) =>
        new RegExp(`^${p.replace(/[.+]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`).test(file),
      );
    const sources = DOCKERFILES.flatMap((rel) =>
      dockerfile(rel)
        .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from'))
        .flatMap((i) => i.args.split(/\s+/).slice(0, -1)),
    );
    expect(sources).toContain('server');
    for (const src of sources) {
      expect(existsSync(path.join(REPO, src)), src).toBe(true);
      expect(ignored(src), src).toBe(false);
    }
  });
});

describe('the agent under Docker Compose', () => {
  const file = compose('compose/agent.compose.yaml');
  const agent = file.services.agent!;
  const proxy = file.services['docker-proxy']!;

  it('uses host networking, restarts by itself, checks its health and waits for nothing', () => {
    expect(agent.network_mode).toBe('host');
    expect(agent.restart).toBe('unless-stopped');
    expect(agent.healthcheck?.test).toEqual(['CMD', ...healthcheckCommand('docker/Dockerfile.agent')]);
    expect(agent.depends_on).toBeUndefined();
    expect(agent.privileged).toBeUndefined();
    expect(agent.cap_drop).toEqual(['ALL']);
    expect(agent.cap_add).toBeUndefined();
    expect(agent.env_file).toEqual([{ path: '.env', required: false }]);
  });

  it('keeps the data folder in a volume and mounts the config read-only, where the config says', () => {
    const volumes = (agent.volumes ?? []).map(mount);
    const data = volumes.find((v) => v.target === '/var/lib/lifeline');
    expect(data && data.source in file.volumes).toBe(true);
    expect(volumes).toContainEqual({
      source: './lifeline.yaml',
      target: '/etc/lifeline/lifeline.yaml',
      mode: 'ro',
    });
    const loaded = loadConfig(deployFile('compose/lifeline.yaml'));
    expect(loaded.dataDir).toBe('/var/lib/lifeline');
    expect(`http://${loaded.config.listen.host}:${loaded.config.listen.port}/healthz`).toBe(
      agent.environment?.LIFELINE_HEALTH_URL,
    );
  });

  it('reaches Docker only through the proxy, on the socket the config names', () => {
    const agentMounts = (agent.volumes ?? []).map(mount);
    expect(agentMounts.some((v) => v.source.includes('docker.sock'))).toBe(false);
    expect(agent.group_add).toBeUndefined();
    const endpoint = proxy.command?.find((a) => a.startsWith('-proxysocketendpoint='))?.split('=')[1] ?? '';
    const shared = (proxy.volumes ?? []).map(mount).find((v) => v.target === path.dirname(endpoint));
    expect(shared && shared.source in file.volumes).toBe(true);
    expect(agentMounts).toContainEqual({ source: shared!.source, target: shared!.target, mode: 'rw' });
    const engine = loadConfig(deployFile('compose/lifeline.yaml')).config.containers[0];
    expect(engine?.socket).toBe(endpoint);
    expect((proxy.volumes ?? []).map(mount)).toContainEqual({
      source: '/var/run/docker.sock',
      target: '/var/run/docker.sock',
      mode: 'ro',
    });
    expect(proxy.network_mode).toBe('none');
  });

  it("gives the filtered socket to the agent image's own group, and nobody else", () => {
    const [uid, gid] = (
      dockerfile('docker/Dockerfile.agent').findLast((i) => i.op === 'USER')?.args ?? ''
    ).split(':');
    const shared = file.volumes['docker-api']?.driver_opts ?? {};
    expect(shared.type).toBe('tmpfs');
    const opts = Object.fromEntries((shared.o ?? '').split(',').map((kv) => kv.split('=')));
    expect(opts.gid).toBe(gid);
    expect(opts.mode).toBe('0750');
    expect(proxy.user).toBe(`${opts.uid}:${gid}`);
    expect(uid).not.toBe(opts.uid);
    expect(proxy.command).toContain('-proxysocketendpointfilemode=0660');
  });

  describe('the proxy lets through exactly the Docker API calls Lifeline makes', () => {
    const rules = new Map(
      (proxy.command ?? [])
        .map((a) => a.match(/^-allow(GET|HEAD|POST|PUT|PATCH|DELETE)=(.*)$/))
        .filter((m): m is RegExpMatchArray => m !== null)
        .map((m) => [m[1]!, new RegExp(`^(?:${m[2]})$`)]),
    );
    // socket-proxy matches the path only (no query), anchored, per method; unknown methods are refused.
    const allowed = (method: string, p: string) => rules.get(method)?.test(p) ?? false;
    const id = 'f'.repeat(64);

    // What server/agent/containers/engine-api.ts asks the engine for, as request paths.
    it.each([
      ['GET', '/version'],
      ['GET', '/_ping'],
      ['GET', '/containers/json'],
      ['GET', `/containers/${id}/json`],
      ['GET', `/containers/${id}/logs`],
      ['GET', '/events'],
      ['POST', `/containers/${id}/start`],
      ['POST', `/containers/${id}/stop`],
      ['POST', `/containers/${id}/restart`],
      ['GET', '/v1.47/containers/json'],
      ['POST', '/v1.51/containers/cloudflared/restart'],
    ])('allows %s %s', (method, p) => expect(allowed(method, p)).toBe(true));

    it.each([
      ['POST', '/containers/create'],
      ['POST', `/containers/${id}/exec`],
      ['POST', `/exec/${id}/start`],
      ['POST', `/containers/${id}/kill`],
      ['POST', `/containers/${id}/update`],
      ['POST', `/containers/${id}/attach`],
      ['GET', `/containers/${id}/export`],
      ['GET', `/containers/${id}/archive`],
      ['PUT', `/containers/${id}/archive`],
      ['DELETE', `/containers/${id}`],
      ['POST', '/images/create'],
      ['POST', '/build'],
      ['POST', '/volumes/create'],
      ['POST', '/networks/create'],
      ['GET', '/secrets'],
      ['POST', '/swarm/init'],
      ['POST', `/containers/${id}/start/../../create`],
      ['GET', '/containers/json/../../secrets'],
    ])('refuses %s %s', (method, p) => expect(allowed(method, p)).toBe(false));
  });
});

describe('the relay behind Caddy', () => {
  const file = compose('compose/relay.compose.yaml');
  const relayYaml = loadRelayConfig(deployFile('compose/relay.yaml'));
  const defaults = parseYaml(DEFAULT_RELAY_CONFIG) as { listen: { port: number }; trustProxy: string[] };

  function caddyUpstreams(): string[] {
    const json = execFileSync('caddy', ['adapt', '--config', deployFile('caddy/Caddyfile')], {
      env: { ...process.env, LIFELINE_RELAY_DOMAIN: 'relay.test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    return [...json.matchAll(/"dial":"([^"]+)"/g)].map((m) => m[1]!);
  }

  it('is a valid, formatted Caddyfile for the name given in LIFELINE_RELAY_DOMAIN', () => {
    const adapted = execFileSync('caddy', ['adapt', '--config', deployFile('caddy/Caddyfile')], {
      env: { ...process.env, LIFELINE_RELAY_DOMAIN: 'relay.test' },
    }).toString();
    expect(adapted).toContain('"host":["relay.test"]');
    const formatted = execFileSync('caddy', ['fmt', deployFile('caddy/Caddyfile')]).toString();
    expect(formatted).toBe(readDeploy('caddy/Caddyfile'));
  });

  it("proxies to the relay's default port on loopback, which relay.yaml listens on and trusts", () => {
    expect(caddyUpstreams()).toEqual([`127.0.0.1:${defaults.listen.port}`]);
    expect(relayYaml.config.listen).toEqual({ host: '127.0.0.1', port: defaults.listen.port });
    // Caddy connects from 127.0.0.1 on the same host; its X-Forwarded-For must be believed.
    expect(defaults.trustProxy).toContain('127.0.0.1');
    expect(relayYaml.config.trustProxy).toEqual(['127.0.0.1']);
    expect(relayYaml.dataDir).toBe('/var/lib/lifeline-relay');
  });

  it("passes TLS through on 443 and hands the relay's own name to Caddy's HTTPS port", () => {
    const adapted = JSON.parse(
      execFileSync('caddy', ['adapt', '--config', deployFile('caddy/Caddyfile')], {
        env: { ...process.env, LIFELINE_RELAY_DOMAIN: 'relay.test' },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
        .toString()
        .split('\n')[0]!,
    ) as { apps: { http: { https_port: number; servers: Record<string, { listen: string[] }> } } };
    const http = adapted.apps.http;
    expect(relayYaml.config.passthrough).toMatchObject({
      port: 443,
      fallback: `127.0.0.1:${http.https_port}`,
    });
    // Caddy keeps off 443, which the pass-through holds.
    const ports = Object.values(http.servers).flatMap((s) => s.listen);
    expect(ports).toContain(`:${http.https_port}`);
    expect(ports).not.toContain(':443');
    // Root in the container only to be handed NET_BIND_SERVICE (Docker gives no other user one).
    const { relay } = file.services;
    expect(relay?.user).toBe('0:0');
    expect(relay?.cap_drop).toEqual(['ALL']);
    expect(relay?.cap_add).toEqual(['NET_BIND_SERVICE', 'DAC_OVERRIDE']);
  });

  it('runs both on the host network, restarting, with the mounts the files expect', () => {
    const { relay, caddy } = file.services;
    expect(relay?.network_mode).toBe('host');
    expect(caddy?.network_mode).toBe('host');
    expect(relay?.restart).toBe('unless-stopped');
    expect(caddy?.restart).toBe('unless-stopped');
    expect(relay?.healthcheck?.test).toEqual(['CMD', ...healthcheckCommand('docker/Dockerfile.relay')]);
    expect(relay?.environment?.LIFELINE_HEALTH_URL).toBe(
      `http://127.0.0.1:${relayYaml.config.listen.port}/healthz`,
    );
    expect((relay?.volumes ?? []).map(mount)).toContainEqual({
      source: './relay.yaml',
      target: '/etc/lifeline/relay.yaml',
      mode: 'ro',
    });
    const caddyfile = (caddy?.volumes ?? []).map(mount).find((v) => v.target === '/etc/caddy/Caddyfile');
    expect(caddyfile?.mode).toBe('ro');
    expect(path.resolve(deployFile('compose'), caddyfile!.source)).toBe(deployFile('caddy/Caddyfile'));
  });
});

describe('the systemd units', () => {
  it.each(UNITS)('%s passes systemd-analyze verify without a warning', (rel) => {
    // verify checks that ExecStart's program exists: run it on a copy that points at this node.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-unit-'));
    try {
      const copy = path.join(dir, path.basename(rel));
      writeFileSync(
        copy,
        readDeploy(rel).replace('ExecStart=/usr/bin/node ', `ExecStart=${process.execPath} `),
      );
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', copy], { encoding: 'utf8' });
      expect(r.stderr.trim()).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(UNITS)('%s keeps a low exposure by systemd-analyze security', (rel) => {
    const r = spawnSync('systemd-analyze', ['security', '--offline=true', deployFile(rel)], {
      encoding: 'utf8',
    });
    const level = Number(`${r.stdout}${r.stderr}`.match(/Overall exposure level for .*?: ([\d.]+)/)?.[1]);
    expect(level).toBeGreaterThan(0);
    expect(level).toBeLessThanOrEqual(2);
  });

  it.each(UNITS)('%s waits for the network, never for Docker or a mount, and always restarts', (rel) => {
    const unit = unitFile(rel);
    const u = unit.Unit ?? {};
    const s = unit.Service ?? {};
    expect(u.After).toEqual(['network-online.target']);
    expect(u.Wants).toEqual(['network-online.target']);
    for (const hard of ['Requires', 'BindsTo', 'Requisite', 'PartOf', 'RequiresMountsFor'])
      expect(u[hard]).toBeUndefined();
    expect(u.StartLimitIntervalSec).toEqual(['0']);
    expect(s.Restart).toEqual(['always']);
    const restartSec = Number(s.RestartSec?.[0]?.replace(/s$/, ''));
    expect(restartSec).toBeGreaterThanOrEqual(1);
    expect(restartSec).toBeLessThanOrEqual(30);
    expect(s.User?.[0]).toMatch(/^lifeline/);
    expect(s.NoNewPrivileges).toEqual(['yes']);
    expect(s.ProtectSystem).toEqual(['strict']);
    // One capability, for port 443 (the agent's HTTPS with `tls:`, the relay's pass-through).
    expect(s.CapabilityBoundingSet).toEqual(['CAP_NET_BIND_SERVICE']);
    expect(s.AmbientCapabilities).toEqual(['CAP_NET_BIND_SERVICE']);
    // A capability held in a user namespace of its own would not reach the host's ports.
    expect(s.PrivateUsers).toBeUndefined();
    // V8 compiles code at run time: MemoryDenyWriteExecute would kill node at start.
    expect(s.MemoryDenyWriteExecute).toBeUndefined();
    // A group that does not exist keeps a unit from starting: the docker group stays opt-in.
    expect(s.SupplementaryGroups).toBeUndefined();
  });

  it('runs the agent on the data folder and config that deploy/compose/lifeline.yaml describes', () => {
    const s = unitFile('systemd/lifeline-agent.service').Service ?? {};
    expect(s.ExecStart).toEqual([
      '/usr/bin/node --no-sparkplug /opt/lifeline/bin/lifeline.js agent -c /etc/lifeline/lifeline.yaml',
    ]);
    expect(`/var/lib/${s.StateDirectory?.[0]}`).toBe(loadConfig(deployFile('compose/lifeline.yaml')).dataDir);
    expect(s.StateDirectoryMode).toEqual(['0700']);
    const r = unitFile('systemd/lifeline-relay.service').Service ?? {};
    expect(r.ExecStart).toEqual([
      '/usr/bin/node /opt/lifeline/bin/lifeline.js relay -c /etc/lifeline/relay.yaml',
    ]);
    expect(`/var/lib/${r.StateDirectory?.[0]}`).toBe(
      loadRelayConfig(deployFile('compose/relay.yaml')).dataDir,
    );
  });
});

describe('docs/deploy.md', () => {
  const doc = readFileSync(path.join(REPO, 'docs/deploy.md'), 'utf8');

  it('names only files that exist, and every recipe file', () => {
    const named = new Set([...doc.matchAll(/`((?:deploy|scripts)\/[\w./-]+)`/g)].map((m) => m[1]!));
    for (const file of named) expect(existsSync(path.join(REPO, file)), file).toBe(true);
    const recipes = readdirSync(path.join(REPO, 'deploy'), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.relative(REPO, path.join(e.parentPath, e.name)));
    for (const file of recipes)
      expect(doc.includes(file) || doc.includes(path.basename(file)), `${file} is not described`).toBe(true);
  });
});
