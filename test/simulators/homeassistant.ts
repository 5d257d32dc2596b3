// Home Assistant's REST API for one switch: `GET /api/states/<id>`, `POST /api/services/<domain>/
// turn_on|turn_off`, a bearer token, and HA's own error bodies (401: Unauthorized, 404 entity).
import { type HttpDevice, json, type SimReply, startHttpDevice } from './http-device.js';
import { type RelayOptions, SimRelay } from './relay.js';

export interface HomeAssistantSim extends HttpDevice {
  relay: SimRelay;
  /** Make HA report the entity as unavailable (the device dropped off the network). */
  unavailable: boolean;
}

export async function startHomeAssistant(
  opts: RelayOptions & { token?: string; entity?: string; powerEntity?: string } = {},
): Promise<HomeAssistantSim> {
  const relay = new SimRelay(opts);
  const token = opts.token ?? 'eyJhbGciOiJIUzI1NiJ9.test-long-lived-token';
  const entity = opts.entity ?? 'switch.cabinet';
  const powerEntity = opts.powerEntity ?? 'sensor.cabinet_power';
  const sim = { unavailable: false };
  let changed = new Date().toISOString();
  relay.onChange(() => {
    changed = new Date().toISOString();
  });
  const stateObject = (id: string) => {
    const base = {
      entity_id: id,
      last_changed: changed,
      last_updated: changed,
      context: { id: '01HZX', parent_id: null, user_id: null },
    };
    if (id === entity)
      return {
        ...base,
        state: sim.unavailable ? 'unavailable' : relay.on ? 'on' : 'off',
        attributes: { friendly_name: 'Cabinet' },
      };
    return {
      ...base,
      state: sim.unavailable ? 'unavailable' : String(relay.power),
      attributes: { unit_of_measurement: 'W', device_class: 'power', friendly_name: 'Cabinet power' },
    };
  };
  const device = await startHttpDevice(relay, (req): SimReply => {
    if (req.headers.authorization !== `Bearer ${token}`)
      return { status: 401, headers: { 'content-type': 'text/plain' }, body: '401: Unauthorized' };
    const state = req.url.pathname.match(/^\/api\/states\/([a-z_]+\.[a-z0-9_]+)$/);
    if (state && req.method === 'GET') {
      if (state[1] !== entity && state[1] !== powerEntity) return json({ message: 'Entity not found.' }, 404);
      return json(stateObject(state[1]!));
    }
    const service = req.url.pathname.match(/^\/api\/services\/([a-z_]+)\/([a-z_]+)$/);
    if (service && req.method === 'POST') {
      const [, domain, name] = service;
      if (domain !== 'switch' || (name !== 'turn_on' && name !== 'turn_off' && name !== 'toggle'))
        return json({ message: 'Service not found.' }, 400);
      let body: { entity_id?: unknown };
      try {
        body = JSON.parse(req.body || '{}');
      } catch {
        return json({ message: 'Data should be valid JSON.' }, 400);
      }
      if (body.entity_id !== entity) return json([]);
      if (!sim.unavailable) relay.set(name === 'toggle' ? !relay.on : name === 'turn_on', 'command');
      return json([stateObject(entity)]);
    }
    return json({ message: 'Not found' }, 404);
  });
  return {
    ...device,
    relay,
    get unavailable() {
      return sim.unavailable;
    },
    set unavailable(v: boolean) {
      sim.unavailable = v;
    },
  };
}
