// Zigbee2MQTT: state on `<base>/<name>`, commands on `<base>/<name>/set`, availability on
// `<base>/<name>/availability` and the bridge on `<base>/bridge/state`. ZCL has no off→on timer,
// so no cycle: a lifeline behind Zigbee can only be switched on.
import { LifelineError } from '../../../../../shared/protocol/errors.js';
import type { PlugConfig } from '../../config.js';
import type { DriverDeps, PlugDriver, PlugReading } from '../../driver.js';
import { mqttPlug } from '../mqtt-plug.js';
import { jsonOf } from '../mqtt-waiter.js';

/** Availability payloads are `{"state":"online"}` since Z2M 1.x, a bare `online` before. */
const availability = (payload: string) => (jsonOf(payload)?.state as string | undefined) ?? payload.trim();

export function createZigbee2MqttDriver(plug: PlugConfig, deps: DriverDeps): PlugDriver {
  const base = plug.baseTopic ?? 'zigbee2mqtt';
  const dev = `${base}/${plug.topic!}`;
  const who = `Zigbee2MQTT ${plug.topic}`;
  const timeoutMs = plug.timeoutSeconds * 1000;
  let deviceAvailable: string | undefined;
  let bridge: string | undefined;

  const readingOf = (payload: string): PlugReading | undefined => {
    const j = jsonOf(payload);
    const state = j?.state;
    if (state !== 'ON' && state !== 'OFF') return undefined;
    const reading: PlugReading = { on: state === 'ON' };
    if (typeof j?.power === 'number' && Number.isFinite(j.power)) reading.watts = j.power;
    return reading;
  };

  const mqtt = mqttPlug(
    plug,
    deps,
    [dev, `${dev}/availability`, `${base}/bridge/state`],
    (topic, payload, emit) => {
      if (topic === `${dev}/availability`) {
        deviceAvailable = availability(payload);
        if (deviceAvailable === 'offline')
          emit({ kind: 'offline', reason: `${who} is offline (availability)` });
        else link.publish(`${dev}/get`, '{"state":""}');
      } else if (topic === `${base}/bridge/state`) {
        bridge = availability(payload);
        if (bridge === 'offline') emit({ kind: 'offline', reason: 'Zigbee2MQTT is offline' });
      } else {
        const reading = readingOf(payload);
        if (reading) emit({ kind: 'reading', reading });
      }
    },
  );
  const { link, waiters } = mqtt;

  const request = async (suffix: string, payload: string, want?: boolean) => {
    await link.whenConnected(timeoutMs);
    if (bridge === 'offline') throw new LifelineError('unreachable', 'Zigbee2MQTT is offline');
    if (deviceAvailable === 'offline')
      throw new LifelineError('unreachable', `${who} is offline (availability)`);
    const answer = waiters.wait(
      (topic, p) => {
        if (topic !== dev) return undefined;
        const r = readingOf(p);
        return r && (want === undefined || r.on === want) ? r : undefined;
      },
      timeoutMs,
      `${who} did not answer`,
    );
    link.publish(`${dev}/${suffix}`, payload);
    return answer;
  };

  return {
    capabilities: { power: true, timer: 'none', maxCycleSeconds: 0, push: true },
    read: () => request('get', '{"state":""}'),
    set: (on) => request('set', JSON.stringify({ state: on ? 'ON' : 'OFF' }), on),
    async cycle() {
      throw new LifelineError('unsupported', 'Zigbee switches have no timer that turns them back on');
    },
    onPush: mqtt.onPush,
    close: mqtt.close,
  };
}
