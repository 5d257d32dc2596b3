// Smart plugs: command latency per driver against its simulator (real sockets on loopback, a
// real Mosquitto for the MQTT drivers), and what polling 20 plugs costs the agent.
// The simulators are TypeScript test code: they are transpiled into dist/bench-sim first.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as v from 'valibot';
import { createAgent } from '../dist/server/agent/agent.js';
import { PlugSchema } from '../dist/server/agent/power/config.js';
import { createDriver } from '../dist/server/agent/power/drivers/index.js';
import { createMqttHub } from '../dist/server/agent/power/mqtt-hub.js';
import { systemClock } from '../dist/server/clock.js';
import { loadConfig } from '../dist/server/config/load.js';
import { silentLogger } from '../dist/server/log.js';
import { latencyRows, round } from './stats.mjs';
import { loadTestModule } from './test-code.mjs';

const _root = fileURLToPath(new URL('..', import.meta.url));

async function loadSims() {
  const sim = (n) => loadTestModule('simulators', n);
  return {
    shelly1: (await sim('shelly-gen1')).startShellyGen1,
    shelly2: (await sim('shelly-gen2')).startShellyGen2,
    tasmota: (await sim('tasmota')).startTasmota,
    tasmotaMqtt: (await sim('tasmota-mqtt')).startTasmotaMqtt,
    kasa: (await sim('kasa')).startKasa,
    miio: (await sim('miio')).startMiio,
    ha: (await sim('homeassistant')).startHomeAssistant,
    z2m: (await sim('zigbee2mqtt')).startZigbee2Mqtt,
    mosquitto: (await loadTestModule('harness', 'mosquitto')).startMosquitto,
  };
}

async function time(n, fn) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
  }
  return samples;
}

export async function plugsBench() {
  const s = await loadSims();
  const broker = await s.mosquitto();
  const hub = createMqttHub(silentLogger);
  const deps = { clock: systemClock, log: silentLogger, mqtt: hub };
  const plug = (f) => v.parse(PlugSchema, { id: 'p', name: 'Plug', timeoutSeconds: 2, ...f });
  const cases = [
    [
      'shelly-gen1',
      async () => {
        const d = await s.shelly1();
        return [d, { driver: 'shelly-gen1', address: d.address }];
      },
    ],
    [
      'shelly-gen2 (digest)',
      async () => {
        const d = await s.shelly2({ password: 'pw' });
        return [d, { driver: 'shelly-gen2', address: d.address, password: 'pw' }];
      },
    ],
    [
      'tasmota',
      async () => {
        const d = await s.tasmota();
        return [d, { driver: 'tasmota', address: d.address }];
      },
    ],
    [
      'tasmota-mqtt',
      async () => {
        const d = await s.tasmotaMqtt(broker.address, { topic: 'bench' });
        return [d, { driver: 'tasmota-mqtt', address: broker.address, topic: 'bench' }];
      },
    ],
    [
      'kasa',
      async () => {
        const d = await s.kasa();
        return [d, { driver: 'kasa', address: d.address }];
      },
    ],
    [
      'miio',
      async () => {
        const d = await s.miio();
        return [d, { driver: 'miio', address: d.address, token: d.token, model: 'cuco.plug.v3' }];
      },
    ],
    [
      'homeassistant',
      async () => {
        const d = await s.ha({ token: 't' });
        return [d, { driver: 'homeassistant', address: d.address, token: 't', entity: 'switch.cabinet' }];
      },
    ],
    [
      'zigbee2mqtt',
      async () => {
        const d = await s.z2m(broker.address, { name: 'bench plug' });
        return [d, { driver: 'zigbee2mqtt', address: broker.address, topic: 'bench plug' }];
      },
    ],
  ];
  const rows = [];
  try {
    for (const [name, start] of cases) {
      const [sim, cfg] = await start();
      const driver = await createDriver(plug(cfg), deps);
      try {
        await driver.read();
        rows.push(...latencyRows(`${name}: read`, await time(100, () => driver.read())));
        rows.push(...latencyRows(`${name}: switch`, await time(50, (i) => driver.set(i % 2 === 1))));
      } finally {
        await driver.close();
        await sim.close();
      }
    }
    rows.push(...(await pollingCost(s)));
  } finally {
    await hub.close();
    await broker.close();
  }
  return rows;
}

/** 20 Shelly plugs polled every second for 10 s: the agent's CPU time per poll. */
async function pollingCost(s) {
  const sims = await Promise.all(Array.from({ length: 20 }, () => s.shelly1()));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-bench-'));
  const file = path.join(dir, 'lifeline.yaml');
  const plugs = sims.map((d, i) => ({
    id: `p${i}`,
    name: `Plug ${i}`,
    driver: 'shelly-gen1',
    address: d.address,
    pollSeconds: 1,
  }));
  writeFileSync(file, JSON.stringify({ listen: { host: '127.0.0.1', port: 0 }, plugs }));
  const agent = await createAgent({ loaded: loadConfig(file), log: silentLogger, port: 0 });
  try {
    await agent.startCapabilities();
    await new Promise((r) => setTimeout(r, 1500));
    const before = sims.reduce((n, d) => n + d.requests.length, 0);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 10_000));
    const cpu = process.cpuUsage(cpu0);
    const wall = performance.now() - t0;
    const polls = sims.reduce((n, d) => n + d.requests.length, 0) - before;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    return [
      {
        metric: '20 plugs polled each second: polls per second',
        value: round((polls / wall) * 1000, 1),
        unit: '/s',
      },
      {
        metric: '20 plugs polled each second: CPU (agent + 20 simulators)',
        value: round((cpuMs / wall) * 100, 2),
        unit: '% of a core',
      },
      { metric: 'CPU per poll (agent + simulator)', value: round(cpuMs / polls, 3), unit: 'ms' },
    ];
  } finally {
    await agent.close();
    for (const d of sims) await d.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
