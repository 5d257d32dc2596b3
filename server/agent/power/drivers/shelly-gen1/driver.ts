// Shelly Gen1 (Plug S, 1PM, 2.5…): HTTP `/relay/<ch>` and `/status`, optional Basic auth.
// `turn=off&timer=N` is atomic: the plug itself switches back on after N seconds, and its reply
// (`has_timer`, `timer_duration`) is the proof that it armed the timer.
import { LifelineError } from '../../../../../shared/protocol/errors.js';
import type { PlugConfig } from '../../config.js';
import type { DriverDeps, PlugDriver, PlugReading } from '../../driver.js';
import { deviceError } from '../device-errors.js';
import { baseUrl, finiteOrUndefined, garbage, httpRequest, isObject, parseJson } from '../http.js';

export function createShellyGen1Driver(plug: PlugConfig, _deps: DriverDeps): PlugDriver {
  const base = baseUrl(plug.address!);
  const ch = plug.channel ?? 0;
  const who = `Shelly ${plug.address}`;
  const timeoutMs = plug.timeoutSeconds * 1000;
  const headers: Record<string, string> = {};
  if (plug.username !== undefined && plug.password !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${plug.username}:${plug.password}`).toString('base64')}`;

  const get = async (path: string, signal?: AbortSignal) => {
    const res = await httpRequest(`${base}${path}`, { headers }, timeoutMs, signal);
    if (res.status === 401)
      throw plug.password === undefined ? deviceError.loginNeeded(who) : deviceError.loginRefused(who);
    if (res.status === 404) throw new LifelineError('failed', `${who} has no relay ${ch}`);
    if (res.status !== 200) throw garbage(who, `HTTP ${res.status}`);
    const body = parseJson(res.text, who);
    if (!isObject(body)) throw garbage(who, 'not an object');
    return body;
  };

  const relayOf = (r: Record<string, unknown>): boolean => {
    if (typeof r.ison !== 'boolean') throw garbage(who, 'no "ison"');
    return r.ison;
  };

  return {
    capabilities: { power: true, timer: 'atomic', maxCycleSeconds: 3600, push: false },
    async read(signal) {
      const status = await get('/status', signal);
      const relays = status.relays;
      if (!Array.isArray(relays) || !isObject(relays[ch])) throw garbage(who, `no relays[${ch}]`);
      const reading: PlugReading = { on: relayOf(relays[ch]) };
      const meters = status.meters;
      const watts =
        Array.isArray(meters) && isObject(meters[ch]) ? finiteOrUndefined(meters[ch].power) : undefined;
      if (watts !== undefined) reading.watts = watts;
      return reading;
    },
    async set(on, signal) {
      return { on: relayOf(await get(`/relay/${ch}?turn=${on ? 'on' : 'off'}`, signal)) };
    },
    async cycle(seconds, signal) {
      const r = await get(`/relay/${ch}?turn=off&timer=${seconds}`, signal);
      if (relayOf(r) !== false || r.has_timer !== true)
        throw new LifelineError('failed', `${who} did not confirm its timer (has_timer is not true)`);
      return { evidence: `reply ison:false, has_timer:true, timer_duration:${String(r.timer_duration)}` };
    },
    close() {},
  };
}
