// Zigbee2MQTT with one plug, as seen on the broker: retained `<base>/bridge/state` and
// `<base>/<name>/availability` ({"state":"online"}), the device state on `<base>/<name>`
// ({"state":"ON","power":…,"linkquality":…}), commands on `/set` and reads on `/get`.
import mqtt, { type MqttClient } from 'mqtt';
import { type RelayOptions, SimRelay } from './relay.js';

export interface Zigbee2MqttSim {
  relay: SimRelay;
  name: string;
  /** Make the device drop off the Zigbee mesh (availability offline). */
  setAvailable(online: boolean): void;
  close(): Promise<void>;
}

export async function startZigbee2Mqtt(
  broker: string,
  opts: RelayOptions & { name?: string; base?: string } = {},
): Promise<Zigbee2MqttSim> {
  const relay = new SimRelay(opts);
  const base = opts.base ?? 'zigbee2mqtt';
  const name = opts.name ?? 'Cabinet plug';
  const dev = `${base}/${name}`;
  let available = true;
  const client: MqttClient = mqtt.connect(`mqtt://${broker}`, {
    clientId: 'zigbee2mqtt-sim',
    reconnectPeriod: 500,
    will: {
      topic: `${base}/bridge/state`,
      payload: Buffer.from('{"state":"offline"}'),
      retain: true,
      qos: 1,
    },
  });
  const publishState = () => {
    if (available)
      client.publish(
        dev,
        JSON.stringify({ state: relay.on ? 'ON' : 'OFF', power: relay.power, linkquality: 132 }),
      );
  };
  relay.onChange(() => publishState());
  await new Promise<void>((resolve) => {
    client.on('connect', () => {
      client.publish(`${base}/bridge/state`, '{"state":"online"}', { retain: true, qos: 1 });
      client.publish(`${dev}/availability`, '{"state":"online"}', { retain: true, qos: 1 });
      client.subscribe([`${dev}/set`, `${dev}/get`], () => resolve());
    });
  });
  client.on('message', (topic, payload) => {
    if (!available || !relay.answering) return;
    let body: { state?: unknown };
    try {
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      return;
    }
    if (topic === `${dev}/set`) {
      const s = String(body.state ?? '').toUpperCase();
      if (s === 'ON' || s === 'OFF' || s === 'TOGGLE')
        relay.set(s === 'TOGGLE' ? !relay.on : s === 'ON', 'command');
      publishState();
    } else publishState();
  });
  return {
    relay,
    name,
    setAvailable(online) {
      available = online;
      client.publish(`${dev}/availability`, JSON.stringify({ state: online ? 'online' : 'offline' }), {
        retain: true,
        qos: 1,
      });
    },
    async close() {
      relay.close();
      await new Promise<void>((r) => client.end(true, {}, () => r()));
    },
  };
}
