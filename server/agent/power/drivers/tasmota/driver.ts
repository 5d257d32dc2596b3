// Tasmota over HTTP: `GET /cm?user=admin&password=…&cmnd=…`. The cycle runs on the device:
// `TimedPower<x> <ms>,off` on 13.3.0.3+, else `Backlog Power<x> OFF; Delay …; Power<x> ON`.
import { LifelineError } from '../../../../../shared/protocol/errors.js';
import type { PlugConfig } from '../../config.js';
import type { DriverDeps, PlugDriver, PlugReading } from '../../driver.js';
import { deviceError } from '../device-errors.js';
import { baseUrl, garbage, httpRequest, isObject, parseJson } from '../http.js';
import {
  backlogCycle,
  energyWatts,
  powerFrom,
  powerIndex,
  supportsTimedPower,
  timedPowerCycle,
} from '../tasmota-commands.js';

export function createTasmotaDriver(plug: PlugConfig, _deps: DriverDeps): PlugDriver {
  const base = baseUrl(plug.address!);
  const index = powerIndex(plug.channel);
  const who = `Tasmota ${plug.address}`;
  const timeoutMs = plug.timeoutSeconds * 1000;
  let version: string | undefined;
  let hasEnergy = true;

  const cm = async (command: string, signal?: AbortSignal) => {
    const q = new URLSearchParams();
    if (plug.password !== undefined) {
      q.set('user', plug.username ?? 'admin');
      q.set('password', plug.password);
    }
    q.set('cmnd', command);
    // Tasmota wants spaces as %20, not "+".
    const res = await httpRequest(`${base}/cm?${q.toString().replaceAll('+', '%20')}`, {}, timeoutMs, signal);
    if (res.status === 401) throw deviceError.loginRefused(who);
    if (res.status !== 200) throw garbage(who, `HTTP ${res.status}`);
    const reply = parseJson(res.text, who);
    if (!isObject(reply)) throw garbage(who, 'not an object');
    const warning = typeof reply.WARNING === 'string' ? reply.WARNING : '';
    if (/user|password/i.test(warning))
      throw plug.password === undefined ? deviceError.passwordNeeded(who) : deviceError.passwordRefused(who);
    if (reply.Command === 'Unknown')
      throw new LifelineError('failed', `${who} does not know "${command.split(' ')[0]}"`);
    return reply;
  };

  const state = (reply: Record<string, unknown>, what: string) => {
    const on = powerFrom(reply, index);
    if (on === undefined) throw garbage(who, `no POWER${index} in the reply to ${what}`);
    return on;
  };

  return {
    capabilities: { power: true, timer: 'atomic', maxCycleSeconds: 3600, push: false },
    async read(signal) {
      const sts = await cm('Status 11', signal);
      if (!isObject(sts.StatusSTS)) throw garbage(who, 'no StatusSTS');
      const reading: PlugReading = { on: state(sts.StatusSTS, 'Status 11') };
      if (hasEnergy) {
        const watts = energyWatts((await cm('Status 10', signal)).StatusSNS);
        if (watts === undefined) hasEnergy = false;
        else reading.watts = watts;
      }
      if (version === undefined) {
        const fw = (await cm('Status 2', signal)).StatusFWR;
        version = isObject(fw) && typeof fw.Version === 'string' ? fw.Version : '';
      }
      return reading;
    },
    async set(on, signal) {
      return { on: state(await cm(`Power${index} ${on ? 'ON' : 'OFF'}`, signal), 'Power') };
    },
    async cycle(seconds, signal) {
      if (version === undefined) await this.read(signal);
      if (supportsTimedPower(version)) {
        const reply = await cm(timedPowerCycle(index, seconds), signal);
        if (state(reply, 'TimedPower') !== false)
          throw new LifelineError('failed', `${who} did not confirm its timer`);
        return {
          evidence: `TimedPower${index} ${seconds * 1000},off answered POWER${index}:OFF (timer stored)`,
        };
      }
      await cm(backlogCycle(index, seconds), signal);
      return { evidence: `Backlog with Delay accepted by Tasmota ${version || '(version unknown)'}` };
    },
    close() {},
  };
}
