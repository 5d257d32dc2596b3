// Driver name (config `driver:`) → driver. Adding a brand is its own file and one line here: the
// file declares the keys it reads and what it needs (DriverSpec), and config.ts checks entries
// against it. Drivers load their device libraries (MQTT, Kasa) only when a plug uses them.

import type { PlugConfig } from '../config.js';
import type { DriverDeps, DriverSpec, PlugDriver } from '../driver.js';
import { homeassistant } from './homeassistant.js';
import { kasa } from './kasa.js';
import { miio } from './miio.js';
import { shellyGen1 } from './shelly-gen1.js';
import { shellyGen2 } from './shelly-gen2.js';
import { tasmota } from './tasmota.js';
import { tasmotaMqtt } from './tasmota-mqtt.js';
import { zigbee2mqtt } from './zigbee2mqtt.js';

export const DRIVERS: Readonly<Record<string, DriverSpec>> = {
  'shelly-gen1': shellyGen1,
  'shelly-gen2': shellyGen2,
  tasmota,
  'tasmota-mqtt': tasmotaMqtt,
  kasa,
  miio,
  homeassistant,
  zigbee2mqtt,
};

export function createDriver(plug: PlugConfig, deps: DriverDeps): PlugDriver {
  const spec = DRIVERS[plug.driver];
  if (!spec) throw new Error(`no plug driver ${plug.driver}`);
  return spec.create(plug, deps);
}
