// Tasmota over MQTT (default FullTopic `%prefix%/%topic%/`): commands on `cmnd/<topic>/…`, answers
// on `stat/<topic>/RESULT`, telemetry on `tele/<topic>/STATE|SENSOR`, availability from the
// retained LWT `tele/<topic>/LWT` (Online/Offline). State is followed from pushes, not polled.
import { LifelineError } from '../../../../../shared/protocol/errors.js';
import type { PlugConfig } from '../../config.js';
import type { DriverDeps, PlugDriver, PlugReading } from '../../driver.js';
import { isObject } from '../http.js';
import { mqttPlug } from '../mqtt-plug.js';
import { jsonOf } from '../mqtt-waiter.js';
import { backlogCycle, energyWatts, powerFrom, powerIndex, supportsTimedPower } from '../tasmota-commands.js';

export function createTasmotaMqttDriver(plug: PlugConfig, deps: DriverDeps): PlugDriver {
  const t = plug.topic!;
  const index = powerIndex(plug.channel);
  const who = `Tasmota ${t}`;
  const timeoutMs = plug.timeoutSeconds * 1000;
  let lwt: string | undefined;
  let last: PlugReading | undefined;
  let version: string | undefined;

  const powerIn = (topic: string, payload: string): boolean | undefined => {
    if (topic === `stat/${t}/POWER${index}` || (index === 1 && topic === `stat/${t}/POWER`))
      return payload === 'ON' ? true : payload === 'OFF' ? false : undefined;
    if (topic === `stat/${t}/RESULT` || topic === `tele/${t}/STATE`) {
      const j = jsonOf(payload);
      return j ? powerFrom(j, index) : undefined;
    }
    return undefined;
  };

  const mqtt = mqttPlug(
    plug,
    deps,
    [
      `stat/${t}/RESULT`,
      `stat/${t}/POWER`,
      `stat/${t}/POWER${index}`,
      `stat/${t}/STATUS2`,
      `stat/${t}/STATUS10`,
      `tele/${t}/STATE`,
      `tele/${t}/SENSOR`,
      `tele/${t}/LWT`,
    ],
    (topic, payload, emit) => {
      if (topic === `tele/${t}/LWT`) {
        lwt = payload;
        if (payload === 'Offline') emit({ kind: 'offline', reason: `${who} reports Offline (LWT)` });
        else if (payload === 'Online') link.publish(`cmnd/${t}/POWER${index}`, '');
      }
      const on = powerIn(topic, payload);
      const watts =
        topic === `tele/${t}/SENSOR`
          ? energyWatts(jsonOf(payload))
          : topic === `stat/${t}/STATUS10`
            ? energyWatts(jsonOf(payload)?.StatusSNS)
            : undefined;
      if (on !== undefined || watts !== undefined) {
        const reading: PlugReading = {
          on: on ?? last?.on ?? false,
          ...(last?.watts !== undefined ? { watts: last.watts } : {}),
        };
        if (watts !== undefined) reading.watts = watts;
        if (on !== undefined || last) {
          last = reading;
          emit({ kind: 'reading', reading });
        }
      }
    },
  );
  const { link, waiters } = mqtt;

  const reachable = async () => {
    await link.whenConnected(timeoutMs);
    if (lwt === 'Offline') throw new LifelineError('unreachable', `${who} reports Offline (LWT)`);
  };
  const command = async <T>(
    name: string,
    payload: string,
    match: (topic: string, payload: string) => T | undefined,
  ) => {
    await reachable();
    const answer = waiters.wait(match, timeoutMs, `${who} did not answer ${name}`);
    link.publish(`cmnd/${t}/${name}`, payload);
    return answer;
  };
  const powerAnswer = (topic: string, payload: string) => powerIn(topic, payload);

  return {
    capabilities: { power: true, timer: 'atomic', maxCycleSeconds: 3600, push: true },
    async read() {
      const on = await command(`POWER${index}`, '', powerAnswer);
      const watts = await command('Status', '10', (topic, payload) =>
        topic === `stat/${t}/STATUS10` ? (energyWatts(jsonOf(payload)?.StatusSNS) ?? null) : undefined,
      );
      const reading: PlugReading = { on, ...(watts !== null ? { watts } : {}) };
      last = reading;
      return reading;
    },
    async set(on) {
      const now = await command(`POWER${index}`, on ? 'ON' : 'OFF', (topic, payload) =>
        powerIn(topic, payload) === on ? on : undefined,
      );
      last = { ...(last ?? {}), on: now };
      return last;
    },
    async cycle(seconds) {
      if (version === undefined)
        version = await command('Status', '2', (topic, payload) => {
          const fw = topic === `stat/${t}/STATUS2` ? jsonOf(payload)?.StatusFWR : undefined;
          return isObject(fw) ? String(fw.Version ?? '') : undefined;
        });
      if (supportsTimedPower(version)) {
        const ms = Math.round(seconds * 1000);
        const off = await command(`TimedPower${index}`, `${ms},off`, (topic, payload) =>
          topic === `stat/${t}/RESULT` && powerIn(topic, payload) === false ? false : undefined,
        );
        if (off !== false) throw new LifelineError('failed', `${who} did not confirm its timer`);
        return { evidence: `TimedPower${index} ${ms},off answered POWER${index}:OFF (timer stored)` };
      }
      const off = await command(
        'Backlog',
        backlogCycle(index, seconds).slice('Backlog '.length),
        powerAnswer,
      );
      if (off !== false) throw new LifelineError('failed', `${who} did not start its Backlog`);
      return { evidence: `Backlog with Delay running (first step answered POWER${index}:OFF)` };
    },
    onPush: mqtt.onPush,
    close: mqtt.close,
  };
}
