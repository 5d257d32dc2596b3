// What a `driver: kasa` entry in lifeline.yaml may and must say. The device code
// (driver.ts) loads only when a configured plug uses it.
import { DEVICE_ADDRESS, type DriverSpec } from '../../driver.js';

export const kasa: DriverSpec = {
  keys: ['address', 'channel'],
  requires: { address: DEVICE_ADDRESS },
  load: () => import('./driver.js').then((m) => m.createKasaDriver),
};
