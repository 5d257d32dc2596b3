// Every driver against its simulator: the shared contract, then what is particular to each
// (logins, wire details, the safety checks of the two-step Kasa cycle).

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlugSchema } from '../../../../server/agent/power/config.js';
import { createDriver } from '../../../../server/agent/power/drivers/index.js';
import { createMqttHub, type MqttHub } from '../../../../server/agent/power/mqtt-hub.js';
import { systemClock } from '../../../../server/clock.js';
import { silentLogger } from '../../../../server/log.js';
import { LifelineError } from '../../../../shared/protocol/errors.js';
import { waitFor } from '../../../harness/agent.js';
import { type Broker, startMosquitto } from '../../../harness/mosquitto.js';
import { startHomeAssistant } from '../../../simulators/homeassistant.js';
import { startKasa } from '../../../simulators/kasa.js';
import { startMiio } from '../../../simulators/miio.js';
import { startShellyGen1 } from '../../../simulators/shelly-gen1.js';
import { startShellyGen2 } from '../../../simulators/shelly-gen2.js';
import { startTasmota } from '../../../simulators/tasmota.js';
import { startTasmotaMqtt } from '../../../simulators/tasmota-mqtt.js';
import { startZigbee2Mqtt } from '../../../simulators/zigbee2mqtt.js';
import { plugDriverContract } from './driver-contract.js';

let hub: MqttHub;
let broker: Broker;
beforeAll(async () => {
  hub = createMqttHub(silentLogger);
  broker = await startMosquitto();
});
afterAll(async () => {
  await hub?.close();
  await broker?.close();
});

const deps = () => ({ clock: systemClock, log: silentLogger, mqtt: hub });
const plug = (fields: Record<string, unknown>) =>
  v.parse(PlugSchema, { id: 'p', name: 'Plug', timeoutSeconds: 1, ...fields });

async function failure(p: Promise<unknown>): Promise<LifelineError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof LifelineError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

plugDriverContract(
  'shelly-gen1',
  async ({ on }) => {
    const sim = await startShellyGen1({ on, username: 'admin', password: 'pw1' });
    const driver = await createDriver(
      plug({ driver: 'shelly-gen1', address: sim.address, username: 'admin', password: 'pw1' }),
      deps(),
    );
    return { driver, relay: sim.relay, close: sim.close };
  },
  { timer: 'atomic', power: true },
);

plugDriverContract(
  'shelly-gen2',
  async ({ on }) => {
    const sim = await startShellyGen2({ on, password: 'gen2-secret' });
    const driver = await createDriver(
      plug({ driver: 'shelly-gen2', address: sim.address, password: 'gen2-secret' }),
      deps(),
    );
    return { driver, relay: sim.relay, close: sim.close };
  },
  { timer: 'atomic', power: true },
);

plugDriverContract(
  'tasmota (TimedPower firmware)',
  async ({ on }) => {
    const sim = await startTasmota({ on, password: 'tas' });
    const driver = await createDriver(
      plug({ driver: 'tasmota', address: sim.address, password: 'tas' }),
      deps(),
    );
    return { driver, relay: sim.relay, close: sim.close };
  },
  { timer: 'atomic', power: true },
);

plugDriverContract(
  'tasmota (Backlog firmware)',
  async ({ on }) => {
    const sim = await startTasmota({ on, version: '12.5.0(tasmota)' });
    const driver = await createDriver(plug({ driver: 'tasmota', address: sim.address }), deps());
    return { driver, relay: sim.relay, close: sim.close };
  },
  { timer: 'atomic', power: true },
);

plugDriverContract(
  'kasa',
  async ({ on }) => {
    const sim = await startKasa({ on });
    const driver = await createDriver(plug({ driver: 'kasa', address: sim.address }), deps());
    return { driver, relay: sim.relay, close: sim.close };
  },
  { timer: 'two-step', power: true },
);

plugDriverContract(
  'miio',
  async ({ on }) => {
    const sim = await startMiio({ on });
    const driver = await createDriver(
      plug({ driver: 'miio', address: sim.address, token: sim.token, model: 'cuco.plug.v3' }),
      deps(),
    );
    return { driver, relay: sim.relay, close: sim.close };
  },
  { timer: 'none', power: true },
);

plugDriverContract(
  'homeassistant',
  async ({ on }) => {
    const sim = await startHomeAssistant({ on, token: 'llat-1' });
    const driver = await createDriver(
      plug({
        driver: 'homeassistant',
        address: `http://${sim.address}`,
        token: 'llat-1',
        entity: 'switch.cabinet',
        powerEntity: 'sensor.cabinet_power',
      }),
      deps(),
    );
    return { driver, relay: sim.relay, close: sim.close };
  },
  { timer: 'none', power: true },
);

let unique = 0;
plugDriverContract(
  'tasmota-mqtt',
  async ({ on }) => {
    const sim = await startTasmotaMqtt(broker.address, { on, topic: `tasmota_${++unique}` });
    const driver = await createDriver(
      plug({ driver: 'tasmota-mqtt', address: broker.address, topic: sim.topic }),
      deps(),
    );
    return { driver, relay: sim.relay, close: sim.close };
  },
  { timer: 'atomic', power: true, garbage: false },
);

plugDriverContract(
  'zigbee2mqtt',
  async ({ on }) => {
    const sim = await startZigbee2Mqtt(broker.address, { on, name: `plug ${++unique}` });
    const driver = await createDriver(
      plug({ driver: 'zigbee2mqtt', address: broker.address, topic: sim.name }),
      deps(),
    );
    return { driver, relay: sim.relay, close: sim.close };
  },
  { timer: 'none', power: true, garbage: false },
);

describe('driver specifics', () => {
  it('shelly-gen1: a wrong password is a clear failure, and the relay is untouched', async () => {
    const sim = await startShellyGen1({ username: 'admin', password: 'right' });
    const driver = await createDriver(
      plug({ driver: 'shelly-gen1', address: sim.address, username: 'admin', password: 'wrong' }),
      deps(),
    );
    try {
      const err = await failure(driver.set(false));
      expect(err.code).toBe('failed');
      expect(err.message).toMatch(/refused the username or password/);
      expect(err.message).not.toContain('wrong');
      expect(sim.relay.on).toBe(true);
      expect(sim.requests).toEqual(['GET /relay/0?turn=off']);
    } finally {
      await sim.close();
    }
  });

  it('shelly-gen1: the cycle is one request carrying the timer', async () => {
    const sim = await startShellyGen1();
    const driver = await createDriver(plug({ driver: 'shelly-gen1', address: sim.address }), deps());
    try {
      await driver.cycle(30);
      expect(sim.requests).toEqual(['GET /relay/0?turn=off&timer=30']);
      expect(sim.relay.timer).toMatchObject({ revertsTo: true, seconds: 30 });
    } finally {
      await sim.close();
    }
  });

  it('shelly-gen2: answers the SHA-256 digest challenge and reuses the nonce', async () => {
    const sim = await startShellyGen2({ password: 'p4ss' });
    const driver = await createDriver(
      plug({ driver: 'shelly-gen2', address: sim.address, password: 'p4ss' }),
      deps(),
    );
    try {
      for (let i = 0; i < 3; i++) await driver.read();
      expect(sim.challenges).toBe(1);
      const wrong = await createDriver(
        plug({ driver: 'shelly-gen2', address: sim.address, password: 'nope' }),
        deps(),
      );
      const err = await failure(wrong.set(false));
      expect(err.message).toMatch(/refused the password/);
      expect(sim.relay.on).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('shelly-gen2: the cycle is Switch.Set with toggle_after', async () => {
    const sim = await startShellyGen2();
    const driver = await createDriver(plug({ driver: 'shelly-gen2', address: sim.address }), deps());
    try {
      const r = await driver.cycle(45);
      expect(r.evidence).toContain('toggle_after:45');
      expect(sim.relay.timer).toMatchObject({ revertsTo: true, seconds: 45 });
    } finally {
      await sim.close();
    }
  });

  it('tasmota: a wrong password is refused by the device and nothing switches', async () => {
    const sim = await startTasmota({ password: 'right' });
    const driver = await createDriver(
      plug({ driver: 'tasmota', address: sim.address, password: 'wrong' }),
      deps(),
    );
    try {
      const err = await failure(driver.set(false));
      expect(err.message).toMatch(/refused the password/);
      expect(sim.relay.on).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('tasmota: old firmware gets Backlog with Delay in tenths of a second, chained past 360 s', async () => {
    const sim = await startTasmota({ version: '12.5.0(tasmota)' });
    const driver = await createDriver(plug({ driver: 'tasmota', address: sim.address }), deps());
    try {
      await driver.cycle(400);
      expect(sim.requests.at(-1)).toBe(
        '/cm?cmnd=Backlog%20Power1%20OFF%3B%20Delay%203600%3B%20Delay%20400%3B%20Power1%20ON'.replace(
          /^/,
          'GET ',
        ),
      );
      await waitFor(() => !sim.relay.on, 5_000, 'the Backlog to switch off');
    } finally {
      await sim.close();
    }
  });

  it('kasa: arms and reads back the countdown before switching off', async () => {
    const sim = await startKasa();
    const driver = await createDriver(plug({ driver: 'kasa', address: sim.address }), deps());
    try {
      await driver.cycle(20);
      const order = sim.calls.filter((c) => c.startsWith('count_down') || c === 'system.set_relay_state');
      expect(order.slice(0, 4)).toEqual([
        'count_down.delete_all_rules',
        'count_down.add_rule',
        'count_down.get_rules',
        'system.set_relay_state',
      ]);
      expect(sim.rules()[0]).toMatchObject({ act: 1, delay: 20, enable: 1 });
      expect(sim.relay.on).toBe(false);
    } finally {
      await sim.close();
    }
  });

  it('kasa: a plug that drops its countdown when switched is switched straight back on', async () => {
    const sim = await startKasa({ cancelCountdownOnSwitch: true });
    const driver = await createDriver(plug({ driver: 'kasa', address: sim.address }), deps());
    try {
      const err = await failure(driver.cycle(20));
      expect(err.message).toMatch(/dropped its countdown/);
      expect(sim.relay.on).toBe(true);
    } finally {
      await sim.close();
    }
  });

  it('miio: a wrong token gets silence from the device and a clear hint', async () => {
    const sim = await startMiio();
    const driver = await createDriver(
      plug({ driver: 'miio', address: sim.address, token: 'f'.repeat(32) }),
      deps(),
    );
    try {
      const err = await failure(driver.read());
      expect(err.code).toBe('timeout');
      expect(err.message).toMatch(/token/);
      expect(sim.rejected).toBeGreaterThan(0);
      expect(sim.calls).toEqual([]);
    } finally {
      driver.close();
      await sim.close();
    }
  });

  it('homeassistant: a bad token and an unavailable entity are told apart', async () => {
    const sim = await startHomeAssistant({ token: 'good' });
    const bad = await createDriver(
      plug({ driver: 'homeassistant', address: sim.address, token: 'bad', entity: 'switch.cabinet' }),
      deps(),
    );
    const good = await createDriver(
      plug({ driver: 'homeassistant', address: sim.address, token: 'good', entity: 'switch.cabinet' }),
      deps(),
    );
    try {
      expect((await failure(bad.read())).message).toMatch(/refused the token/);
      sim.unavailable = true;
      const err = await failure(good.read());
      expect(err.code).toBe('unreachable');
      expect(err.message).toMatch(/unavailable/);
    } finally {
      await sim.close();
    }
  });

  it('tasmota-mqtt: follows the LWT and pushes the state the device publishes', async () => {
    const sim = await startTasmotaMqtt(broker.address, { topic: 'tasmota_push' });
    const driver = await createDriver(
      plug({ driver: 'tasmota-mqtt', address: broker.address, topic: 'tasmota_push' }),
      deps(),
    );
    const pushes: string[] = [];
    driver.onPush?.((p) => pushes.push(p.kind === 'reading' ? `on=${p.reading.on}` : `offline`));
    try {
      await driver.read();
      sim.relay.press();
      await waitFor(() => pushes.includes('on=false'), 10_000, 'a pushed off');
      await sim.close();
      // A clean disconnect leaves the retained Online; a crash would leave the will (Offline).
    } finally {
      driver.close();
    }
  });
  it('an HTTP device that answers without end is cut off with a clear failure', async () => {
    // A hostile or broken device: the agent must not buffer its answer without bound.
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const more = () => {
        while (res.write(chunk));
        res.once('drain', more);
      };
      more();
    });
    server.on('clientError', () => {});
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const driver = await createDriver(plug({ driver: 'shelly-gen1', address: `127.0.0.1:${port}` }), deps());
    try {
      const err = await failure(driver.read());
      expect(err.code).toBe('failed');
      expect(err.message).toMatch(/sent more than 1024 KiB/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
