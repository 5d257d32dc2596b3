// Driver name (config `driver:`) → driver. Adding a brand is its own folder and one line here: the
// folder's spec.ts declares the keys it reads and what it needs (DriverSpec), config.ts checks
// entries against it, and its driver.ts — the code that talks to the device, with its device
// libraries (MQTT, Kasa) — loads only when a configured plug uses it.

import type { PlugConfig } from '../config.js';
import type { DriverDeps, DriverSpec, PlugDriver } from '../driver.js';
import { homeassistant } from './homeassistant/spec.js';
import { kasa } from './kasa/spec.js';
import { miio } from './miio/spec.js';
import { shellyGen1 } from './shelly-gen1/spec.js';
import { shellyGen2 } from './shelly-gen2/spec.js';
import { tasmota } from './tasmota/spec.js';
import { tasmotaMqtt } from './tasmota-mqtt/spec.js';
import { zigbee2mqtt } from './zigbee2mqtt/spec.js';

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

/** Loads the plug's driver (the first time its brand is used) and makes one for the plug. */
export async function createDriver(plug: PlugConfig, deps: DriverDeps): Promise<PlugDriver> {
  const spec = DRIVERS[plug.driver];
  if (!spec) throw new Error(`no plug driver ${plug.driver}`);
  return (await spec.load())(plug, deps);
}
