// What a `driver: homeassistant` entry in lifeline.yaml may and must say. The device code
// (driver.ts) loads only when a configured plug uses it.
import type { DriverSpec } from '../../driver.js';

export const homeassistant: DriverSpec = {
  keys: ['address', 'token', 'entity', 'powerEntity'],
  requires: {
    address: "Home Assistant's URL, e.g. http://192.168.1.5:8123",
    token: 'a long-lived access token (Profile → Security)',
    entity: 'the entity id, e.g. switch.cabinet',
  },
  check(p, report) {
    for (const key of ['entity', 'powerEntity'] as const)
      if (p[key] !== undefined && !/^[a-z_]+\.[a-z0-9_]+$/.test(p[key]))
        report([key], 'an entity id such as switch.cabinet');
  },
  load: () => import('./driver.js').then((m) => m.createHomeAssistantDriver),
};
