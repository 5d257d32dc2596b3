// Home Assistant REST API with a long-lived token: reaches every switch HA knows. HA cannot set a
// timer inside the device, so this driver declares none: a lifeline behind HA is never cycled.
import { LifelineError } from '../../../../../shared/protocol/errors.js';
import type { PlugConfig } from '../../config.js';
import type { DriverDeps, PlugDriver, PlugReading } from '../../driver.js';
import { deviceError } from '../device-errors.js';
import { baseUrl, garbage, httpRequest, isObject, parseJson } from '../http.js';

export function createHomeAssistantDriver(plug: PlugConfig, _deps: DriverDeps): PlugDriver {
  const base = baseUrl(plug.address!);
  const entity = plug.entity!;
  const domain = entity.split('.')[0]!;
  const who = `Home Assistant (${entity})`;
  const timeoutMs = plug.timeoutSeconds * 1000;
  const headers = { authorization: `Bearer ${plug.token}`, 'content-type': 'application/json' };

  const api = async (path: string, body?: unknown, signal?: AbortSignal) => {
    const res = await httpRequest(
      `${base}/api/${path}`,
      body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) },
      timeoutMs,
      signal,
    );
    if (res.status === 401 || res.status === 403) throw deviceError.tokenRefused('Home Assistant');
    if (res.status === 404)
      throw new LifelineError(
        'not-found',
        `Home Assistant has no ${path.startsWith('states') ? 'entity' : 'service'} ${path.split('/').slice(1).join('.')}`,
      );
    if (res.status !== 200 && res.status !== 201) throw garbage(who, `HTTP ${res.status}`);
    return parseJson(res.text, who);
  };

  const stateOf = async (id: string, signal?: AbortSignal) => {
    const s = await api(`states/${id}`, undefined, signal);
    if (!isObject(s) || typeof s.state !== 'string') throw garbage(who, 'no "state"');
    return s.state;
  };

  return {
    capabilities: { power: plug.powerEntity !== undefined, timer: 'none', maxCycleSeconds: 0, push: false },
    async read(signal) {
      const state = await stateOf(entity, signal);
      if (state === 'unavailable' || state === 'unknown')
        throw new LifelineError('unreachable', `Home Assistant reports ${entity} as ${state}`);
      if (state !== 'on' && state !== 'off') throw garbage(who, `state "${state.slice(0, 40)}"`);
      const reading: PlugReading = { on: state === 'on' };
      if (plug.powerEntity) {
        const watts = Number(await stateOf(plug.powerEntity, signal).catch(() => 'unavailable'));
        if (Number.isFinite(watts)) reading.watts = watts;
      }
      return reading;
    },
    async set(on, signal) {
      await api(`services/${domain}/turn_${on ? 'on' : 'off'}`, { entity_id: entity }, signal);
      return this.read(signal);
    },
    async cycle() {
      throw new LifelineError('unsupported', 'Home Assistant cannot set a timer inside the device');
    },
    close() {},
  };
}
