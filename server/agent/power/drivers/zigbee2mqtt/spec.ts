// What a `driver: zigbee2mqtt` entry in lifeline.yaml may and must say. The device code
// (driver.ts) loads only when a configured plug uses it.
import { BROKER_ADDRESS, type DriverSpec } from '../../driver.js';

export const zigbee2mqtt: DriverSpec = {
  keys: ['address', 'username', 'password', 'topic', 'baseTopic'],
  requires: { address: BROKER_ADDRESS, topic: "the device's friendly name in Zigbee2MQTT" },
  mqtt: true,
  load: () => import('./driver.js').then((m) => m.createZigbee2MqttDriver),
};
