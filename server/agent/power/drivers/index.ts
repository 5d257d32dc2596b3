// Driver name (config `driver:`) → driver. Adding a brand is one file and one line here.
import type { PlugConfig } from '../../../config/schema.js';
import type { DriverDeps, DriverFactory, PlugDriver } from '../driver.js';
import { createHomeAssistantDriver } from './homeassistant.js';
import { createKasaDriver } from './kasa.js';
import { createMiioDriver } from './miio.js';
import { createShellyGen1Driver } from './shelly-gen1.js';
import { createShellyGen2Driver } from './shelly-gen2.js';
import { createTasmotaDriver } from './tasmota.js';
import { createTasmotaMqttDriver } from './tasmota-mqtt.js';
import { createZigbee2MqttDriver } from './zigbee2mqtt.js';

export const DRIVERS: Record<PlugConfig['driver'], DriverFactory> = {
  'shelly-gen1': createShellyGen1Driver,
  'shelly-gen2': createShellyGen2Driver,
  tasmota: createTasmotaDriver,
  'tasmota-mqtt': createTasmotaMqttDriver,
  kasa: createKasaDriver,
  miio: createMiioDriver,
  homeassistant: createHomeAssistantDriver,
  zigbee2mqtt: createZigbee2MqttDriver,
};

export function createDriver(plug: PlugConfig, deps: DriverDeps): PlugDriver {
  return DRIVERS[plug.driver](plug, deps);
}
