// Plugs on their worst day, in a real agent: an MQTT broker (real Mosquitto) down at start, the
// lifeline scenario over MQTT (the device's link dies, the broker publishes its will), a cycle
// whose answer is lost, and an agent restart in the middle of a cycle (the agent is often what
// the plug powers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startMosquitto } from '../../../harness/mosquitto.js';
import { startMiio } from '../../../simulators/miio.js';
import { startShellyGen1 } from '../../../simulators/shelly-gen1.js';
import { startTasmotaMqtt } from '../../../simulators/tasmota-mqtt.js';
import { startZigbee2Mqtt } from '../../../simulators/zigbee2mqtt.js';
import { eventsOf, plugOf, startPlugAgent, until } from './plug-agent.js';

let broker: Broker;
beforeAll(async () => {
  broker = await startMosquitto();
});
afterAll(async () => {
  await broker?.close();
});

describe('plugs on the worst day', () => {
  it('starts with the broker down, says why, and recovers by itself when it returns', async () => {
    await broker.stop();
    const env = await startPlugAgent([
      { id: 'z', name: 'Zigbee plug', driver: 'zigbee2mqtt', address: broker.address, topic: 'Shelf plug' },
    ]);
    try {
      const down = await until(() => plugOf(env.t, 'z')?.problem && plugOf(env.t, 'z'), 'a reason');
      expect(down.online).toBe(false);
      expect(down.problem?.message).toMatch(/MQTT broker/);
      await broker.start();
      const z2m = await startZigbee2Mqtt(broker.address, { name: 'Shelf plug', watts: 3 });
      try {
        const up = await until(() => plugOf(env.t, 'z')?.online && plugOf(env.t, 'z'), 'recovery', 30_000);
        expect(up).toMatchObject({ on: true, watts: 3 });
        z2m.setAvailable(false);
        await until(() => plugOf(env.t, 'z')?.online === false, 'availability offline');
        expect(plugOf(env.t, 'z')?.problem?.message).toMatch(/offline/);
      } finally {
        await z2m.close();
      }
    } finally {
      await env.close();
    }
  });

  it('the lifeline scenario over MQTT: the device drops off (LWT Offline) and returns by its own timer', async () => {
    const dev = await startTasmotaMqtt(broker.address, { topic: 'cabinet_t', cabinet: true });
    const env = await startPlugAgent([
      {
        id: 'cab',
        name: 'Cabinet',
        driver: 'tasmota-mqtt',
        address: broker.address,
        topic: 'cabinet_t',
        lifeline: true,
        powers: ['router'],
        cycleSeconds: 5,
      },
    ]);
    try {
      await until(() => plugOf(env.t, 'cab')?.online, 'online');
      expect((await env.client.command('power.off', { target: 'cab' })).status).toBe('error');
      const first = await env.client.command('power.cycle', { target: 'cab' });
      if (first.status !== 'confirm') throw new Error('expected confirm');
      const r = await env.client.command('power.cycle', {
        target: 'cab',
        confirm: { challenge: first.confirm.challenge, text: 'Cabinet' },
      });
      expect(r).toMatchObject({ status: 'ok', data: { by: 'device' } });
      expect(dev.commands.some((c) => c.startsWith('TimedPower1 5000,off'))).toBe(true);
      await until(() => plugOf(env.t, 'cab')?.online === false, 'LWT Offline');
      expect(plugOf(env.t, 'cab')?.problem?.message).toMatch(/LWT/);
      await until(() => plugOf(env.t, 'cab')?.online && plugOf(env.t, 'cab')?.on, 'back on', 30_000);
      await until(() => eventsOf(env.t, 'power.cycle-done')[0], 'cycle done');
      expect(dev.relay.offs()).toBe(1);
    } finally {
      await env.close();
      await dev.close();
    }
  });

  it('a cycle whose answer is lost is reported as unconfirmed, never as success, and still tracked', async () => {
    const cabinet = await startShellyGen1({ cabinet: true, loseReplyWhenDark: true });
    const env = await startPlugAgent([
      {
        id: 'cab',
        name: 'Cabinet',
        driver: 'shelly-gen1',
        address: cabinet.address,
        lifeline: true,
        powers: ['router'],
        cycleSeconds: 5,
      },
    ]);
    try {
      await until(() => plugOf(env.t, 'cab')?.online, 'online');
      // A made-up challenge does nothing.
      const forged = await env.client.command('power.cycle', {
        target: 'cab',
        confirm: { challenge: 'x'.repeat(24), text: 'Cabinet' },
      });
      expect(forged).toMatchObject({ status: 'error', error: { code: 'challenge-invalid' } });
      expect(cabinet.relay.offs()).toBe(0);
      const first = await env.client.command('power.cycle', { target: 'cab' });
      if (first.status !== 'confirm') throw new Error('expected confirm');
      const r = await env.client.command('power.cycle', {
        target: 'cab',
        confirm: { challenge: first.confirm.challenge, text: 'Cabinet' },
      });
      expect(r).toMatchObject({
        status: 'error',
        error: { code: 'timeout', message: expect.stringMatching(/did not confirm its timer/) },
      });
      expect(eventsOf(env.t, 'lifeline.cycle-started')[0]?.data).toMatchObject({
        plug: 'cab',
        confirmed: false,
      });
      expect(plugOf(env.t, 'cab')?.cycle).toMatchObject({ confirmed: false });
      await until(() => eventsOf(env.t, 'power.cycle-done')[0], 'cycle done', 30_000);
      expect(
        env.t.agent.db
          .prepare("SELECT outcome FROM audit WHERE action = 'power.cycle' AND decision = 'confirmed'")
          .all(),
      ).toEqual([{ outcome: 'error' }]);
    } finally {
      await env.close();
      await cabinet.close();
    }
  });

  it('a toggle allowed on a stale "off" is refused when the lifeline plug is in fact on', async () => {
    const mi = await startMiio();
    const env = await startPlugAgent([
      {
        id: 'mi',
        name: 'Mi',
        driver: 'miio',
        address: mi.address,
        token: mi.token,
        lifeline: true,
        powers: ['modem'],
        pollSeconds: 3600,
      },
    ]);
    try {
      await until(() => plugOf(env.t, 'mi')?.online, 'online');
      mi.relay.press();
      await env.t.agent.check(); // the agent reads it: off
      expect(plugOf(env.t, 'mi')?.on).toBe(false);
      mi.relay.press(); // someone switched it on; the agent has not polled since
      const r = await env.client.command('power.toggle', { target: 'mi' });
      expect(r).toMatchObject({ status: 'error', error: { code: 'refused' } });
      expect(mi.relay.on).toBe(true);
      expect(mi.relay.offs()).toBe(1);
    } finally {
      await env.close();
      await mi.close();
    }
  });

  it('an agent restarted in the middle of a cycle still reports it done', async () => {
    const cabinet = await startShellyGen1({ cabinet: true });
    const env = await startPlugAgent([
      {
        id: 'cab',
        name: 'Cabinet',
        driver: 'shelly-gen1',
        address: cabinet.address,
        lifeline: true,
        powers: ['agent'],
        cycleSeconds: 5,
      },
    ]);
    try {
      await until(() => plugOf(env.t, 'cab')?.online, 'online');
      const first = await env.client.command('power.cycle', { target: 'cab' });
      if (first.status !== 'confirm') throw new Error('expected confirm');
      await env.client.command('power.cycle', {
        target: 'cab',
        confirm: { challenge: first.confirm.challenge, text: 'Cabinet' },
      });
      // The plug powers the agent: it goes down with it, and boots once power is back.
      await env.t.stop();
      await until(() => cabinet.relay.on, 'the timer', 20_000);
      await env.t.restart();
      await until(() => eventsOf(env.t, 'power.cycle-done')[0], 'cycle done after restart');
      expect(plugOf(env.t, 'cab')).toMatchObject({ online: true, on: true });
      expect(plugOf(env.t, 'cab')?.cycle).toBeUndefined();
    } finally {
      await env.close();
      await cabinet.close();
    }
  });
});
