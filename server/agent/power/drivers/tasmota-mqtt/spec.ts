// What a `driver: tasmota-mqtt` entry in lifeline.yaml may and must say. The device code
// (driver.ts) loads only when a configured plug uses it.
import { BROKER_ADDRESS, type DriverSpec } from '../../driver.js';

export const tasmotaMqtt: DriverSpec = {
  keys: ['address', 'channel', 'username', 'password', 'topic'],
  requires: { address: BROKER_ADDRESS, topic: "the device's MQTT topic, e.g. tasmota_8A2B3C" },
  mqtt: true,
  load: () => import('./driver.js').then((m) => m.createTasmotaMqttDriver),
};
