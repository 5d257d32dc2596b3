// What a `driver: tasmota` entry in lifeline.yaml may and must say. The device code
// (driver.ts) loads only when a configured plug uses it.
import { DEVICE_ADDRESS, type DriverSpec } from '../../driver.js';

export const tasmota: DriverSpec = {
  keys: ['address', 'channel', 'username', 'password'],
  requires: { address: DEVICE_ADDRESS },
  load: () => import('./driver.js').then((m) => m.createTasmotaDriver),
};
