// What a `driver: shelly-gen2` entry in lifeline.yaml may and must say. The device code
// (driver.ts) loads only when a configured plug uses it.
import { DEVICE_ADDRESS, type DriverSpec } from '../../driver.js';

export const shellyGen2: DriverSpec = {
  keys: ['address', 'channel', 'username', 'password'],
  requires: { address: DEVICE_ADDRESS },
  check(p, report) {
    if (p.username !== undefined && p.username !== 'admin')
      report(['username'], 'Shelly Gen2 devices always use the user "admin"');
  },
  load: () => import('./driver.js').then((m) => m.createShellyGen2Driver),
};
