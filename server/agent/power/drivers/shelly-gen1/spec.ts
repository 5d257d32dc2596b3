// What a `driver: shelly-gen1` entry in lifeline.yaml may and must say. The device code
// (driver.ts) loads only when a configured plug uses it.
import { DEVICE_ADDRESS, type DriverSpec } from '../../driver.js';

export const shellyGen1: DriverSpec = {
  keys: ['address', 'channel', 'username', 'password'],
  requires: { address: DEVICE_ADDRESS },
  check(p, report) {
    if ((p.username === undefined) !== (p.password === undefined))
      report(['password'], 'give both username and password, or neither');
  },
  load: () => import('./driver.js').then((m) => m.createShellyGen1Driver),
};
