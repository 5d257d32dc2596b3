// What a `driver: miio` entry in lifeline.yaml may and must say. The device code
// (driver.ts) loads only when a configured plug uses it.
import { DEVICE_ADDRESS, type DriverSpec } from '../../driver.js';

export const miio: DriverSpec = {
  keys: ['address', 'token', 'model'],
  requires: { address: DEVICE_ADDRESS, token: 'the 32-hex-digit device token' },
  check(p, report) {
    if (p.token !== undefined && !/^[0-9a-fA-F]{32}$/.test(p.token))
      report(['token'], 'a token of 32 hex digits');
  },
  load: () => import('./driver.js').then((m) => m.createMiioDriver),
};
