// `lifeline ctl plugs`, `ctl plug <id> on|off|cycle` and `lifeline check` through the real
// executable, against a running agent whose plugs are simulators.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../harness/agent.js';
import { freePort, runCli, startCli } from '../../../harness/cli.js';
import { tempDir } from '../../../harness/temp.js';
import { type MiioSim, startMiio } from '../../../simulators/miio.js';
import { type ShellyGen1Sim, startShellyGen1 } from '../../../simulators/shelly-gen1.js';
import { startTasmota, type TasmotaSim } from '../../../simulators/tasmota.js';

const tmp = tempDir();
const env = { LIFELINE_CTL_HOME: path.join(tmp.dir, 'ctl') };
let stopAgent: (() => Promise<void>) | undefined;
let cabinet: ShellyGen1Sim;
let lamp: TasmotaSim;
let mi: MiioSim;
let dead: TasmotaSim;
const config = path.join(tmp.dir, 'lifeline.yaml');

beforeAll(async () => {
  cabinet = await startShellyGen1({ cabinet: true, username: 'admin', password: 'sh-secret' });
  lamp = await startTasmota();
  mi = await startMiio();
  dead = await startTasmota();
  const port = await freePort();
  const plugs = [
    {
      id: 'cabinet',
      name: 'Network cabinet',
      driver: 'shelly-gen1',
      address: cabinet.address,
      username: 'admin',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a ${ENV} reference in the config file
      password: '${SHELLY_PW}',
      lifeline: true,
      powers: ['router', 'agent'],
      cycleSeconds: 5,
    },
    { id: 'lamp', name: 'Lamp', driver: 'tasmota', address: lamp.address },
    {
      id: 'mi',
      name: 'Mi plug',
      driver: 'miio',
      address: mi.address,
      token: mi.token,
      lifeline: true,
      powers: ['modem'],
    },
  ];
  writeFileSync(
    config,
    JSON.stringify({
      listen: { host: '127.0.0.1', port },
      power: plugs.map((p) => ({ pollSeconds: 1, timeoutSeconds: 1, ...p })),
    }),
  );
  const started = await startCli(['start'], /Lifeline is running/, {
    cwd: tmp.dir,
    env: { ...env, SHELLY_PW: 'sh-secret' },
  });
  stopAgent = started.stop;
  const pair = await runCli(['pair', '--json'], { cwd: tmp.dir, env: { ...env, SHELLY_PW: 'sh-secret' } });
  const { link } = JSON.parse(pair.stdout) as { link: string };
  expect((await runCli(['ctl', 'pair', link, '--name', 'ci'], { env })).code).toBe(0);
  await waitFor(
    async () => {
      const r = await runCli(['ctl', 'plugs', '--json'], { env });
      const list = JSON.parse(r.stdout) as { online: boolean }[];
      return list.length === 3 && list.every((p) => p.online);
    },
    30_000,
    'plugs online',
  );
});

afterAll(async () => {
  await stopAgent?.();
  for (const s of [cabinet, lamp, mi, dead]) await s?.close();
  tmp.remove();
});

describe('lifeline ctl for plugs', () => {
  it('ctl plugs lists state, power, lifeline and the device timer', async () => {
    const r = await runCli(['ctl', 'plugs'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cabinet\s+Network cabinet\s+on\s+12.5 W\s+yes: router, agent\s+atomic/);
    // No model given: the switch only (power needs the model's property map).
    expect(r.stdout).toMatch(/mi\s+Mi plug\s+on\s+—\s+yes: modem\s+none/);
  });

  it('ctl plug <lifeline> off is refused with the reason, and the plug stays on', async () => {
    const r = await runCli(['ctl', 'plug', 'cabinet', 'off', '--yes'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/lifeline \(it powers router, agent\).*\(refused\)/);
    expect(cabinet.relay.offs()).toBe(0);
  });

  it('under --json a refusal is JSON on stdout with its code and exit status; a plug is found by name too', async () => {
    const r = await runCli(['ctl', 'plug', 'network cabinet', 'off', '--yes', '--json'], { env });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as {
      ok: boolean;
      error: { code: string; message: string };
      exitCode: number;
    };
    expect(out).toMatchObject({ ok: false, exitCode: 1, error: { code: 'refused' } });
    expect(out.error.message).toContain('Network cabinet is a lifeline (it powers router, agent)');
    const missing = await runCli(['ctl', 'plug', 'nosuch', 'on', '--json'], { env });
    expect(JSON.parse(missing.stdout)).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
      exitCode: 1,
    });
    expect(cabinet.relay.offs()).toBe(0);
  });

  it('ctl plug <ordinary> off needs --yes without a terminal, then switches it off', async () => {
    const asked = await runCli(['ctl', 'plug', 'lamp', 'off'], { env });
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain('confirmation required: re-run with --yes');
    expect(lamp.relay.on).toBe(true);
    const done = await runCli(['ctl', 'plug', 'lamp', 'off', '--yes'], { env });
    expect(done.code).toBe(0);
    expect(done.stdout).toContain('Lamp is off.');
    expect(lamp.relay.on).toBe(false);
    expect((await runCli(['ctl', 'plug', 'lamp', 'on'], { env })).code).toBe(0);
    expect(lamp.relay.on).toBe(true);
  });

  it("ctl plug <lifeline> cycle needs the plug's name typed, then the plug comes back by itself", async () => {
    const asked = await runCli(['ctl', 'plug', 'cabinet', 'cycle', '--yes'], { env });
    expect(asked.code).toBe(1);
    expect(asked.stderr).toContain('re-run with --yes --confirm-text "Network cabinet"');
    const wrong = await runCli(['ctl', 'plug', 'cabinet', 'cycle', '--yes', '--confirm-text', 'cabinet'], {
      env,
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('confirm-text-mismatch');
    expect(cabinet.relay.offs()).toBe(0);
    // ctl does not try again with that challenge, so it withdraws the request: cancelled at once,
    // not "waiting for confirmation" until it expires.
    const log = JSON.parse((await runCli(['ctl', 'log', '--json'], { env })).stdout) as {
      type: string;
      entry: { action?: string; decision?: string; resolution?: string };
    }[];
    const ask = log.find((i) => i.entry.action === 'power.cycle' && i.entry.decision === 'confirm-required');
    expect(ask?.entry.resolution).toBe('cancelled');
    // And the refusal of the wrong name says why, not 'refused · refused'.
    const text = (await runCli(['ctl', 'log'], { env })).stdout;
    expect(text).toMatch(/power\.cycle cabinet\s+ci · refused · refused: .*Network cabinet/);
    // The name as the guard reads it: letter case and outer spaces aside, as on the phone.
    const ok = await runCli(['ctl', 'plug', 'cabinet', 'cycle', '--confirm-text', ' network Cabinet '], {
      env,
    });
    expect(ok.stderr).toContain('Powers: router, agent');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('its own timer switches it back on');
    await waitFor(() => cabinet.relay.on, 20_000, 'the timer');
    expect(cabinet.relay.history.map((h) => h.source)).toEqual(['http', 'timer']);
  });

  it('ctl plug refuses bad input with one clear line', async () => {
    const cases: [string[], number, RegExp][] = [
      [['ctl', 'plug', 'lamp', 'explode'], 2, /unknown plug action "explode"/],
      [
        ['ctl', 'plug', 'lamp', 'cycle', '--seconds', '2'],
        2,
        /--seconds must be a whole number from 5 to 3600/,
      ],
      [['ctl', 'plug', 'nosuch', 'on'], 1, /no plug "nosuch"/],
    ];
    for (const [args, code, message] of cases) {
      const r = await runCli(args, { env });
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('lifeline check probes every plug and says whether its timer is supported', async () => {
    const r = await runCli(['check'], { cwd: tmp.dir, env: { ...env, SHELLY_PW: 'sh-secret' } });
    expect(r.stdout).toMatch(
      /✓\s+plug cabinet\s+Network cabinet: on, 12.5 W · device timer: atomic, up to 3600 s · lifeline/,
    );
    expect(r.stdout).toMatch(
      /!\s+plug mi\s+Mi plug: on · no device timer: a lifeline power-cycle will be refused/,
    );
    expect(r.stdout).toMatch(/✓\s+plug lamp/);
    expect(r.stdout).not.toContain('sh-secret');
    expect(r.code).toBe(0);
    dead.relay.fault = 'silent';
    const broken = path.join(tmp.dir, 'broken.yaml');
    writeFileSync(
      broken,
      JSON.stringify({
        data: './data2',
        power: [{ id: 'dead', name: 'Dead', driver: 'tasmota', address: dead.address, timeoutSeconds: 1 }],
      }),
    );
    const bad = await runCli(['check', '-c', broken], { env });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/✗\s+plug dead\s+Dead: .*did not answer in time · device timer: atomic/);
  });
});
