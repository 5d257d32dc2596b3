// The plug capability in a real agent, driven through real sessions: the guard on every path
// (session commands, crafted frames, replayed and racing confirmations), the lifeline scenario,
// bad devices, and changes made outside Lifeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HomeAssistantSim, startHomeAssistant } from '../../../simulators/homeassistant.js';
import { type MiioSim, startMiio } from '../../../simulators/miio.js';
import { type ShellyGen1Sim, startShellyGen1 } from '../../../simulators/shelly-gen1.js';
import { type ShellyGen2Sim, startShellyGen2 } from '../../../simulators/shelly-gen2.js';
import { startTasmota, type TasmotaSim } from '../../../simulators/tasmota.js';
import { eventsOf, plugOf, startPlugAgent, until } from './plug-agent.js';

let cabinet: ShellyGen2Sim;
let lamp: ShellyGen1Sim;
let mi: MiioSim;
let ha: HomeAssistantSim;
let silent: TasmotaSim;
let garbage: TasmotaSim;
let wrongPw: TasmotaSim;
let env: Awaited<ReturnType<typeof startPlugAgent>>;

beforeAll(async () => {
  // The cabinet plug powers the router: it stops answering the moment it switches off.
  cabinet = await startShellyGen2({ cabinet: true, password: 'cabinet-secret-pw', watts: 41.5 });
  lamp = await startShellyGen1({ watts: 7 });
  mi = await startMiio();
  ha = await startHomeAssistant({ token: 'ha-secret-token' });
  silent = await startTasmota();
  silent.relay.fault = 'silent';
  garbage = await startTasmota();
  garbage.relay.fault = 'garbage';
  wrongPw = await startTasmota({ password: 'right-one' });
  env = await startPlugAgent([
    {
      id: 'cabinet',
      name: 'Network cabinet',
      driver: 'shelly-gen2',
      address: cabinet.address,
      password: 'cabinet-secret-pw',
      lifeline: true,
      powers: ['router', 'nas', 'agent'],
      cycleSeconds: 5,
    },
    { id: 'lamp', name: 'Desk lamp', driver: 'shelly-gen1', address: lamp.address, cycleSeconds: 5 },
    {
      id: 'mi',
      name: 'Mi plug',
      driver: 'miio',
      address: mi.address,
      token: mi.token,
      model: 'cuco.plug.v3',
      lifeline: true,
      powers: ['modem'],
    },
    {
      id: 'heater',
      name: 'Heater',
      driver: 'homeassistant',
      address: ha.address,
      token: 'ha-secret-token',
      entity: 'switch.cabinet',
      cycleSeconds: 5,
    },
    { id: 'dead', name: 'Dead plug', driver: 'tasmota', address: silent.address },
    { id: 'junk', name: 'Junk plug', driver: 'tasmota', address: garbage.address },
    {
      id: 'locked',
      name: 'Locked plug',
      driver: 'tasmota',
      address: wrongPw.address,
      password: 'not-the-one',
    },
  ]);
  await until(
    () => ['cabinet', 'lamp', 'mi', 'heater'].every((id) => plugOf(env.t, id)?.online),
    'plugs online',
  );
});

afterAll(async () => {
  await env?.close();
  for (const s of [cabinet, lamp, mi, ha, silent, garbage, wrongPw]) await s?.close();
});

const cmd = (action: string, target: string, extra: Record<string, unknown> = {}) =>
  env.client.command(action, { target, ...extra });

describe('plugs in the agent', () => {
  it('shows every plug with its state, watts, timer and lifeline flag', async () => {
    expect(plugOf(env.t, 'cabinet')).toMatchObject({
      name: 'Network cabinet',
      online: true,
      on: true,
      watts: 41.5,
      lifeline: true,
      powers: ['router', 'nas', 'agent'],
      timer: { kind: 'atomic' },
    });
    expect(plugOf(env.t, 'mi')).toMatchObject({
      on: true,
      lifeline: true,
      timer: { kind: 'none', maxSeconds: 0 },
    });
    // The client sees the same, validated against the shared schema.
    await until(() => env.client.get('power', 'lamp'), 'the client to see the lamp');
  });

  it('reports bad devices one by one, each with its own reason, and the others stay online', async () => {
    const dead = await until(
      () => plugOf(env.t, 'dead')?.problem && plugOf(env.t, 'dead'),
      'dead plug problem',
    );
    expect(dead).toMatchObject({ online: false, problem: { code: 'timeout' } });
    const junk = await until(
      () => plugOf(env.t, 'junk')?.problem && plugOf(env.t, 'junk'),
      'junk plug problem',
    );
    expect(junk.problem).toMatchObject({ code: 'failed', message: expect.stringMatching(/not JSON/) });
    const locked = await until(
      () => plugOf(env.t, 'locked')?.problem && plugOf(env.t, 'locked'),
      'locked problem',
    );
    expect(locked.problem?.message).toMatch(/refused the password/);
    expect(plugOf(env.t, 'lamp')?.online).toBe(true);
    expect(plugOf(env.t, 'cabinet')?.online).toBe(true);
  });

  it('refuses off on a lifeline plug, naming what it powers, and never touches the relay', async () => {
    const r = await cmd('power.off', 'cabinet');
    expect(r).toMatchObject({ status: 'error', error: { code: 'refused' } });
    if (r.status === 'error') expect(r.error.message).toMatch(/lifeline.*router, nas, agent/);
    expect(cabinet.relay.offs()).toBe(0);
  });

  it('refuses a toggle of a lifeline plug that is on', async () => {
    const r = await cmd('power.toggle', 'cabinet');
    expect(r).toMatchObject({ status: 'error', error: { code: 'refused' } });
    expect(cabinet.relay.on).toBe(true);
    expect(cabinet.relay.offs()).toBe(0);
  });

  it('refuses crafted frames: extra args, out-of-range seconds, unknown actions', async () => {
    expect(await cmd('power.off', 'cabinet', { args: { force: true } })).toMatchObject({
      status: 'error',
      error: { code: 'bad-args' },
    });
    expect(await cmd('power.cycle', 'cabinet', { args: { seconds: 1 } })).toMatchObject({
      status: 'error',
      error: { code: 'bad-args' },
    });
    expect(await cmd('power.set', 'cabinet', { args: { on: false } })).toMatchObject({
      status: 'error',
      error: { code: 'unknown-action' },
    });
    expect(await cmd('power.off', 'nosuch')).toMatchObject({ status: 'error', error: { code: 'not-found' } });
    // A challenge won for an ordinary plug does not switch off the lifeline.
    const first = await cmd('power.off', 'lamp');
    if (first.status !== 'confirm') throw new Error('expected confirm');
    const forged = await cmd('power.off', 'cabinet', { confirm: { challenge: first.confirm.challenge } });
    expect(forged).toMatchObject({ status: 'error', error: { code: 'refused' } });
    expect(cabinet.relay.offs()).toBe(0);
    expect(lamp.relay.on).toBe(true);
  });

  it('refuses a power-cycle of a lifeline plug whose driver has no device timer', async () => {
    const r = await cmd('power.cycle', 'mi');
    expect(r).toMatchObject({ status: 'error', error: { code: 'unsupported' } });
    if (r.status === 'error') expect(r.error.message).toMatch(/no device timer/);
    expect(mi.relay.offs()).toBe(0);
  });

  it('switches an ordinary plug off only after the confirmation', async () => {
    const first = await cmd('power.off', 'lamp');
    expect(first.status).toBe('confirm');
    expect(lamp.relay.on).toBe(true);
    if (first.status !== 'confirm') return;
    expect(first.confirm.typeToConfirm).toBeUndefined();
    const done = await cmd('power.off', 'lamp', { confirm: { challenge: first.confirm.challenge } });
    expect(done).toMatchObject({ status: 'ok', data: { on: false } });
    expect(lamp.relay.on).toBe(false);
    expect(await cmd('power.on', 'lamp')).toMatchObject({ status: 'ok', data: { on: true } });
    expect(lamp.relay.on).toBe(true);
  });

  it('notices and logs a change made outside Lifeline', async () => {
    lamp.relay.press();
    const ev = await until(
      () => eventsOf(env.t, 'power.changed-externally').find((e) => e.subject === 'lamp'),
      'event',
    );
    expect(ev.data).toMatchObject({ plug: 'lamp', on: false, was: true });
    lamp.relay.press();
    await until(() => plugOf(env.t, 'lamp')?.on === true, 'lamp back on');
  });

  it('power-cycles an ordinary plug without a timer by itself: off, then on again', async () => {
    const first = await cmd('power.cycle', 'heater');
    if (first.status !== 'confirm') throw new Error(`expected confirm, got ${first.status}`);
    const r = await cmd('power.cycle', 'heater', { confirm: { challenge: first.confirm.challenge } });
    expect(r).toMatchObject({ status: 'ok', data: { by: 'agent', cycleSeconds: 5 } });
    expect(ha.relay.on).toBe(false);
    await until(() => ha.relay.on, 'the agent to switch it back on', 20_000);
    await until(() => eventsOf(env.t, 'power.cycle-done').find((e) => e.subject === 'heater'), 'cycle done');
  });

  it('the lifeline scenario: a typed confirmation, the plug cuts its own network, comes back by its own timer', async () => {
    const first = await cmd('power.cycle', 'cabinet');
    if (first.status !== 'confirm') throw new Error(`expected confirm, got ${first.status}`);
    expect(first.confirm.typeToConfirm).toBe('Network cabinet');
    expect(first.confirm.consequences.join('\n')).toMatch(/Powers: router, nas, agent/);
    // A wrong name: nothing happens, and the challenge is spent.
    const wrong = await cmd('power.cycle', 'cabinet', {
      confirm: { challenge: first.confirm.challenge, text: 'Network closet' },
    });
    expect(wrong).toMatchObject({ status: 'error', error: { code: 'confirm-text-mismatch' } });
    expect(cabinet.relay.offs()).toBe(0);

    // Two confirmations racing (two challenges, sent at once): exactly one cycle runs.
    const a = await cmd('power.cycle', 'cabinet');
    const b = await cmd('power.cycle', 'cabinet');
    if (a.status !== 'confirm' || b.status !== 'confirm') throw new Error('expected two confirms');
    const [ra, rb] = await Promise.all([
      cmd('power.cycle', 'cabinet', { confirm: { challenge: a.confirm.challenge, text: 'Network cabinet' } }),
      cmd('power.cycle', 'cabinet', { confirm: { challenge: b.confirm.challenge, text: 'Network cabinet' } }),
    ]);
    const results = [ra, rb].map((r) => r.status).sort();
    expect(results).toEqual(['error', 'ok']);
    const ok = [ra, rb].find((r) => r.status === 'ok');
    expect(ok).toMatchObject({ data: { plug: 'cabinet', by: 'device', cycleSeconds: 5 } });
    expect(cabinet.relay.offs()).toBe(1);
    expect(cabinet.relay.timer).toMatchObject({ revertsTo: true, seconds: 5 });

    // Replaying the winning confirmation does nothing.
    const replay = await cmd('power.cycle', 'cabinet', {
      confirm: { challenge: a.confirm.challenge, text: 'Network cabinet' },
    });
    expect(replay.status).toBe('error');

    const started = eventsOf(env.t, 'lifeline.cycle-started')[0];
    expect(started?.data).toMatchObject({
      plug: 'cabinet',
      name: 'Network cabinet',
      cycleSeconds: 5,
      confirmed: true,
    });
    expect(started?.data?.expectBackAt).toBe((started?.data?.endsAt as number) + 5000);

    // The plug cut its own network: Lifeline sees it unreachable, and shows the cycle.
    await until(() => plugOf(env.t, 'cabinet')?.online === false, 'the cabinet to go dark');
    expect(plugOf(env.t, 'cabinet')?.cycle).toMatchObject({ by: 'device', confirmed: true });
    // Nothing can switch it off meanwhile either.
    expect((await cmd('power.off', 'cabinet')).status).toBe('error');

    // Its own timer brings it back; Lifeline reports the cycle done and the plug on.
    await until(
      () => plugOf(env.t, 'cabinet')?.online && plugOf(env.t, 'cabinet')?.on === true,
      'cabinet back on',
      30_000,
    );
    await until(() => eventsOf(env.t, 'power.cycle-done').find((e) => e.subject === 'cabinet'), 'cycle done');
    expect(plugOf(env.t, 'cabinet')?.cycle).toBeUndefined();
    expect(cabinet.relay.history.map((h) => `${h.on ? 'on' : 'off'}:${h.source}`)).toEqual([
      'off:http',
      'on:timer',
    ]);
    // Going dark inside its own cycle is expected: no "offline" alarm for it.
    expect(eventsOf(env.t, 'power.offline').filter((e) => e.subject === 'cabinet')).toEqual([]);
  });

  it('switching on a lifeline plug is always allowed', async () => {
    mi.relay.press();
    await until(() => plugOf(env.t, 'mi')?.on === false, 'mi off');
    const ev = eventsOf(env.t, 'power.changed-externally').find((e) => e.subject === 'mi');
    expect(ev?.severity).toBe('critical');
    expect(await cmd('power.toggle', 'mi')).toMatchObject({ status: 'ok', data: { on: true } });
    expect(mi.relay.on).toBe(true);
  });

  it('keeps secrets out of state, events and the audit log', async () => {
    const everything = JSON.stringify([
      env.t.agent.state.snapshot(),
      env.t.agent.events.list({ limit: 500 }),
      env.t.agent.db.prepare('SELECT * FROM audit').all(),
    ]);
    for (const secret of ['cabinet-secret-pw', 'ha-secret-token', mi.token, 'not-the-one'])
      expect(everything).not.toContain(secret);
  });

  it('a plug dead at start recovers by itself once it answers', async () => {
    silent.relay.fault = 'none';
    await until(() => plugOf(env.t, 'dead')?.online, 'the dead plug to come back', 20_000);
    expect(plugOf(env.t, 'dead')?.problem).toBeUndefined();
  });
});
