import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, runCli, startCli } from '../../harness/cli.js';
import { tempDir } from '../../harness/temp.js';

const tmp = tempDir();
const env = { LIFELINE_CTL_HOME: path.join(tmp.dir, 'ctl') };
let stopAgent: (() => Promise<void>) | undefined;
let port: number;
let startOutput = '';

beforeAll(async () => {
  port = await freePort();
  // Not a terminal (as under systemd or docker): the pairing link must not go to the logs.
  const started = await startCli(['start', '-p', String(port)], /No device paired yet.*\n/, {
    cwd: tmp.dir,
    env,
  });
  stopAgent = started.stop;
  startOutput = started.output();
  // The default config listens on 8080; later commands in this suite talk to the real port.
  const file = path.join(tmp.dir, 'lifeline.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('port: 8080', `port: ${port}`));
});

afterAll(async () => {
  await stopAgent?.();
  tmp.remove();
});

describe('lifeline CLI, end to end', () => {
  it('start writes a commented default config, a 0700 data folder, and prints the URL but, to no terminal, no pairing link', () => {
    expect(startOutput).toContain(`Lifeline is running: http://localhost:${port}`);
    expect(startOutput).not.toContain('#/pair/');
    expect(startOutput).not.toMatch(/[▀▄█]/);
    expect(startOutput).toContain('lifeline pair');
    expect(readFileSync(path.join(tmp.dir, 'lifeline.yaml'), 'utf8')).toContain('# Lifeline configuration');
    expect(statSync(path.join(tmp.dir, 'data')).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(tmp.dir, 'data', 'agent-key.json')).mode & 0o777).toBe(0o600);
  });

  it('start at a terminal prints the pairing QR and link', async () => {
    const dir = tempDir();
    try {
      const tty = await startCli(['start', '-p', '0'], /(http:\/\/localhost:\d+\/#\/pair\/\S+)/, {
        cwd: dir.dir,
        env,
        tty: true,
      });
      expect(tty.output()).toMatch(/[▀▄█]/);
      await tty.stop();
    } finally {
      dir.remove();
    }
  });

  it('keeps the database files 0600', () => {
    for (const f of ['lifeline.db', 'lifeline.db-wal', 'lifeline.db-shm'])
      expect([f, statSync(path.join(tmp.dir, 'data', f)).mode & 0o777]).toEqual([f, 0o600]);
  });

  it('pair → ctl pair → ctl status --json shows the agent facts', async () => {
    const pair = await runCli(['pair', '--json'], { cwd: tmp.dir, env });
    expect(pair.code).toBe(0);
    const { link, homeId } = JSON.parse(pair.stdout) as { link: string; homeId: string };
    expect(link).toBe(`http://localhost:${port}/#/pair/${homeId}/${link.split('/').pop()}`);

    const paired = await runCli(['ctl', 'pair', link, '--name', 'ci terminal'], { env });
    expect(paired.stderr).toBe('');
    expect(paired.code).toBe(0);
    expect(paired.stdout).toContain('as "ci terminal"');
    const keyFile = path.join(env.LIFELINE_CTL_HOME, 'default.json');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const status = await runCli(['ctl', 'status', '--json'], { env });
    expect(status.code).toBe(0);
    const facts = JSON.parse(status.stdout);
    expect(facts).toMatchObject({
      home: { id: homeId, name: 'Home' },
      agent: { version: expect.any(String), startedAt: expect.any(Number), hostBootAt: expect.any(Number) },
      connection: { path: 'direct', url: `http://localhost:${port}` },
      device: { name: 'ci terminal' },
      devices: 1,
    });
    expect(facts.agent.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(facts.agent.hostBootAt).toBeLessThanOrEqual(facts.agent.startedAt);

    const human = await runCli(['ctl', 'status'], { env });
    expect(human.stdout).toMatch(/Agent up\s+\d+/);

    const again = await runCli(['ctl', 'pair', link, '--profile', 'second'], { env });
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('already used');
  });

  it('ctl log shows the pairing and the commands it sent', async () => {
    const log = await runCli(['ctl', 'log', '--json'], { env });
    expect(log.code).toBe(0);
    const kinds = (JSON.parse(log.stdout) as { type: string; entry: { kind?: string } }[]).map(
      (i) => i.entry.kind,
    );
    expect(kinds).toContain('devices.paired');
  });

  it('pair says when its link opens a relay that serves no app', async () => {
    const file = path.join(tmp.dir, 'via-relay.yaml');
    writeFileSync(file, 'relay: { url: wss://relay.example.com }\ndata: ./via-relay-data\n');
    const r = await runCli(['pair', '--json', '-c', file], { cwd: tmp.dir, env });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).link).toMatch(/^https:\/\/relay\.example\.com\/#\/pair\//);
    expect(r.stderr).toMatch(
      /^lifeline: note: this link opens the relay \(https:\/\/relay\.example\.com\), which serves the app only with app\.serve: true/,
    );
    // A home with its own base says nothing of the kind.
    const own = await runCli(['pair', '--json', '-c', file, '--url', 'https://home.example.com'], {
      cwd: tmp.dir,
      env,
    });
    expect(own.stderr).toBe('');
  });

  it('check warns, in pair’s words, when pairing links open a relay that serves no app', async () => {
    const file = path.join(tmp.dir, 'check-via-relay.yaml');
    writeFileSync(file, 'relay: { url: wss://relay.example.com }\ndata: ./check-via-relay-data\n');
    const r = await runCli(['check', '-c', file], { cwd: tmp.dir, env, timeoutMs: 30_000 });
    expect(r.stdout).toMatch(
      /!\s+pairing link\s+this link opens the relay \(https:\/\/relay\.example\.com\), which serves the app only with app\.serve: true/,
    );
    const json = await runCli(['check', '-c', file, '--json'], { cwd: tmp.dir, env, timeoutMs: 30_000 });
    const rows = JSON.parse(json.stdout).checks as { name: string; status: string }[];
    // A warning, not a failure (this exit 1 is the unreachable relay's row).
    expect(rows.find((row) => row.name === 'pairing link')?.status).toBe('warn');
    // A home with its own base has no such row.
    const own = path.join(tmp.dir, 'check-own-url.yaml');
    writeFileSync(
      own,
      'relay: { url: wss://relay.example.com }\npublicUrl: https://home.example.com\ndata: ./check-via-relay-data\n',
    );
    const quiet = await runCli(['check', '-c', own], { cwd: tmp.dir, env, timeoutMs: 30_000 });
    expect(quiet.stdout).not.toContain('pairing link');
  });

  it('ctl devices shows the device asking as online, seen now', async () => {
    const r = await runCli(['ctl', 'devices'], { env });
    expect(r.code).toBe(0);
    const mine = r.stdout.split('\n').find((l) => l.includes('(this)'));
    // LAST SEEN and ONLINE: this moment, and yes.
    expect(mine).toMatch(/\b0 s ago\s+yes\s*$/);
  });

  it('guarded commands need --yes when there is no terminal to ask', async () => {
    const devices = JSON.parse((await runCli(['ctl', 'devices', '--json'], { env })).stdout) as {
      id: string;
    }[];
    const refused = await runCli(['ctl', 'revoke', devices[0]!.id], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('confirmation required: re-run with --yes');
    const still = await runCli(['ctl', 'status', '--json'], { env });
    expect(still.code).toBe(0);
  });

  it('bad input: one clear line, a non-zero exit, never a stack trace', async () => {
    const cases: [string[], number, RegExp][] = [
      [['nosuch'], 2, /unknown command 'nosuch'/],
      [['ctl', 'pair', 'not a link'], 2, /invalid pairing link: not a URL/],
      [['ctl', 'pair', 'http://x/#/pair/abc/def'], 2, /home id in the link is malformed/],
      [['check', '-c', path.join(tmp.dir, 'missing.yaml')], 1, /no config file here/],
      [['ctl', 'status', '--profile', 'never-paired'], 1, /not paired yet/],
      [['ctl', 'log', '--limit', 'lots'], 2, /--limit must be a whole number/],
      [['start', '--bogus'], 2, /unknown option '--bogus'/],
      // Refused before anything starts or any config is written.
      [['start', '-p', 'abc', '-c', path.join(tmp.dir, 'never.yaml')], 2, /'abc' is invalid\. a port number/],
      [['agent', '-p', '99999'], 2, /'99999' is invalid\. a port number from 0 to 65535/],
      [['pair', '-p', '0'], 2, /a port number from 1 to 65535/],
      [['pair', '--url', 'javascript:alert(1)'], 2, /an http:\/\/ or https:\/\/ URL/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args, { env, cwd: tmp.dir });
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr, args.join(' ')).toMatch(message);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(existsSync(path.join(tmp.dir, 'never.yaml'))).toBe(false);
  });

  it('a config error names file, line and key', async () => {
    const bad = path.join(tmp.dir, 'bad.yaml');
    writeFileSync(bad, 'hosts:\n  - id: pc\n    mac: "zz:a1:59:12:34:56"\n');
    const r = await runCli(['check', '-c', bad], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:3:10: hosts[0].mac: expected a MAC address`);
  });

  it('check and start stop at once with the reason when the data folder cannot be made (under /proc)', async () => {
    // Node's recursive mkdir never returns there: both used to hang for ever.
    const conf = path.join(tmp.dir, 'proc.yaml');
    writeFileSync(conf, 'home: { name: Test }\ndata: /proc/lifeline-data\n');
    const start = await runCli(['start', '-c', conf], { env, timeoutMs: 15_000 });
    expect(start.code).toBe(1);
    expect(start.stderr).toContain('cannot use /proc/lifeline-data as the data folder (ENOENT');
    // check says it as a failed row of its table, and of --json, so a script reading it learns why.
    const check = await runCli(['check', '-c', conf], { env, timeoutMs: 15_000 });
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(
      /✗\s+data folder\s+cannot use \/proc\/lifeline-data as the data folder \(ENOENT/,
    );
    const json = await runCli(['check', '-c', conf, '--json'], { env, timeoutMs: 15_000 });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      checks: expect.arrayContaining([
        expect.objectContaining({
          name: 'data folder',
          status: 'fail',
          detail: expect.stringContaining('ENOENT'),
        }),
      ]),
    });
  });

  it('ctl says clearly when home is unreachable', async () => {
    const dead = await freePort();
    const r = await runCli(['ctl', 'status', '--url', `http://127.0.0.1:${dead}`], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot reach .*connection refused/);
  });

  it('check prints a readiness table and exits 0 when all is well', async () => {
    const r = await runCli(['check'], { env, cwd: tmp.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓\s+config/);
    expect(r.stdout).toMatch(/✓\s+database\s+integrity ok/);
  });

  it('--help works for every command', async () => {
    for (const args of [
      ['--help'],
      ['start', '--help'],
      ['pair', '--help'],
      ['check', '--help'],
      ['ctl', '--help'],
      ['ctl', 'status', '--help'],
    ]) {
      const r = await runCli(args, { env });
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('Usage: lifeline');
    }
    expect(existsSync(path.join(tmp.dir, 'lifeline.yaml'))).toBe(true);
  });
});

describe('identity safety', () => {
  it('refuses to become a new home when the database is there but the key is not', async () => {
    const other = tempDir();
    try {
      const file = path.join(other.dir, 'lifeline.yaml');
      writeFileSync(file, 'listen: { host: 127.0.0.1, port: 0 }\n');
      expect((await runCli(['pair', '-c', file, '--json'])).code).toBe(0);
      const { rmSync } = await import('node:fs');
      rmSync(path.join(other.dir, 'data', 'agent-key.json'));
      const r = await runCli(['pair', '-c', file, '--json']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /has a database but no agent-key\.json: if the data folder is on a disk that is not mounted, mount it/,
      );
      expect(existsSync(path.join(other.dir, 'data', 'agent-key.json'))).toBe(false);
    } finally {
      other.remove();
    }
  });
});
