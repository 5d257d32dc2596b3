// A Tasmota plug on MQTT, as the firmware behaves with the default FullTopic `%prefix%/%topic%/`:
// subscribes to `cmnd/<topic>/#`, answers on `stat/<topic>/RESULT` and `stat/<topic>/POWER`,
// publishes a retained `tele/<topic>/LWT` Online, and leaves a will of Offline with the broker.
// A "cabinet" drops its connection (no goodbye, so the broker sends the will) when switched off.
import mqtt, { type MqttClient } from 'mqtt';
import { type RelayOptions, SimRelay } from './relay.js';
import { TasmotaEngine } from './tasmota-engine.js';

export interface TasmotaMqttSim {
  relay: SimRelay;
  engine: TasmotaEngine;
  topic: string;
  /** Commands received (`POWER1 ON`, `Backlog …`). */
  commands: string[];
  close(): Promise<void>;
}

export async function startTasmotaMqtt(
  broker: string,
  opts: RelayOptions & { topic?: string; version?: string } = {},
): Promise<TasmotaMqttSim> {
  const relay = new SimRelay(opts);
  const topic = opts.topic ?? 'tasmota_8A2B3C';
  const engine = new TasmotaEngine(relay, opts.version ?? '13.4.0(tasmota)');
  const commands: string[] = [];
  let client: MqttClient | undefined;
  let closed = false;

  const connect = () =>
    new Promise<void>((resolve) => {
      const c = mqtt.connect(`mqtt://${broker}`, {
        clientId: `DVES_${topic}`,
        reconnectPeriod: 500,
        will: { topic: `tele/${topic}/LWT`, payload: Buffer.from('Offline'), retain: true, qos: 1 },
      });
      client = c;
      c.on('connect', () => {
        c.publish(`tele/${topic}/LWT`, 'Online', { retain: true, qos: 1 });
        c.subscribe(`cmnd/${topic}/#`, () => resolve());
      });
      c.on('message', (t, payload) => {
        if (!relay.answering) return;
        const name = t.slice(`cmnd/${topic}/`.length);
        const line = `${name} ${payload.toString('utf8')}`.trim();
        commands.push(line);
        engine.run(line);
      });
      c.on('error', () => undefined);
    });

  engine.onResult = (result, suffix = 'RESULT') => {
    if (!client?.connected) return;
    client.publish(`stat/${topic}/${suffix}`, JSON.stringify(result));
    if (typeof result.POWER === 'string') client.publish(`stat/${topic}/POWER`, result.POWER);
  };
  relay.onChange((on) => {
    if (!relay.cabinet || closed) return;
    if (!on) {
      // The plug's Wi-Fi lives behind its own relay: the link dies without a goodbye — just
      // after the answer to the command that switched it has gone out, as on a real network.
      setTimeout(() => {
        const c = client;
        client = undefined;
        c?.stream.destroy();
        c?.end(true);
      }, 20);
    } else void connect();
  });
  await connect();
  return {
    relay,
    engine,
    topic,
    commands,
    async close() {
      closed = true;
      engine.close();
      relay.close();
      await new Promise<void>((r) => (client ? client.end(true, {}, () => r()) : r()));
    },
  };
}
