// One MQTT connection per broker (and login), shared by every plug that lives on it. mqtt.js
// reconnects by itself and re-subscribes, so a broker that was down at start recovers unaided.
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { LifelineError } from '../../../shared/protocol/errors.js';
import type { Logger } from '../../log.js';

export type MessageHandler = (topic: string, payload: string) => void;

export interface MqttLink {
  readonly connected: boolean;
  /** Why the broker is not connected (for the plug's problem line). */
  readonly problem: string;
  subscribe(topics: string[], handler: MessageHandler): () => void;
  publish(topic: string, payload: string): void;
  /** Resolves once connected (at once when already), or rejects 'unreachable' after the timeout. */
  whenConnected(timeoutMs: number): Promise<void>;
  /** Called on connect and disconnect. */
  onStatus(listener: (connected: boolean) => void): () => void;
  release(): void;
}

export interface MqttHub {
  link(
    address: string,
    login: { username?: string | undefined; password?: string | undefined },
    timeoutMs: number,
  ): MqttLink;
  close(): Promise<void>;
}

export function brokerUrl(address: string): string {
  if (/^mqtts?:\/\//i.test(address)) return address;
  return `mqtt://${address.includes(':') ? address : `${address}:1883`}`;
}

export function createMqttHub(log: Logger): MqttHub {
  const shared = new Map<string, { client: MqttClient; users: number; problem: string }>();

  return {
    link(address, login, timeoutMs) {
      const url = brokerUrl(address);
      const key = `${url}|${login.username ?? ''}`;
      let entry = shared.get(key);
      if (!entry) {
        const client = mqtt.connect(url, {
          clientId: `lifeline-${randomBytes(6).toString('hex')}`,
          username: login.username,
          password: login.password,
          reconnectPeriod: 2000,
          connectTimeout: timeoutMs,
          clean: true,
        });
        const created = { client, users: 0, problem: 'connecting to the MQTT broker' };
        client.on('connect', () => {
          created.problem = '';
          log.info(`connected to ${url}`);
        });
        client.on('error', (err) => {
          const code = (err as { code?: string | number }).code;
          created.problem =
            code === 5 || code === 4 || /not authori[sz]ed|bad user/i.test(err.message)
              ? `the MQTT broker ${address} refused the login`
              : `MQTT broker ${address}: ${code === 'ECONNREFUSED' ? 'connection refused' : err.message}`;
        });
        client.on('offline', () => {
          if (!created.problem) created.problem = `MQTT broker ${address} is unreachable`;
        });
        client.on('close', () => {
          if (!created.problem) created.problem = `lost the connection to MQTT broker ${address}`;
        });
        entry = created;
        shared.set(key, entry);
      }
      const e = entry;
      e.users++;
      const handlers = new Set<{ filter: string[]; handler: MessageHandler }>();
      const onMessage = (topic: string, payload: Buffer) => {
        for (const h of handlers) if (h.filter.includes(topic)) h.handler(topic, payload.toString('utf8'));
      };
      e.client.on('message', onMessage);
      const statusListeners = new Set<() => void>();
      let released = false;
      return {
        get connected() {
          return e.client.connected;
        },
        get problem() {
          return e.problem || (e.client.connected ? '' : `MQTT broker ${address} is unreachable`);
        },
        subscribe(topics, handler) {
          const h = { filter: topics, handler };
          handlers.add(h);
          e.client.subscribe(topics, { qos: 0 }, () => undefined);
          return () => handlers.delete(h);
        },
        publish(topic, payload) {
          e.client.publish(topic, payload, { qos: 0 });
        },
        whenConnected(ms) {
          if (e.client.connected) return Promise.resolve();
          return new Promise<void>((resolve, reject) => {
            const done = () => {
              clearTimeout(timer);
              e.client.off('connect', done);
              // Retained messages (LWT, availability) follow the subscription; give them a moment.
              setTimeout(resolve, 50);
            };
            const timer = setTimeout(() => {
              e.client.off('connect', done);
              reject(new LifelineError('unreachable', e.problem || `MQTT broker ${address} is unreachable`));
            }, ms);
            e.client.on('connect', done);
          });
        },
        onStatus(listener) {
          const up = () => listener(true);
          const down = () => listener(false);
          e.client.on('connect', up);
          e.client.on('close', down);
          const off = () => {
            e.client.off('connect', up);
            e.client.off('close', down);
          };
          statusListeners.add(off);
          return off;
        },
        release() {
          if (released) return;
          released = true;
          e.client.off('message', onMessage);
          for (const off of statusListeners) off();
          handlers.clear();
          if (--e.users === 0) {
            shared.delete(key);
            e.client.end(true);
          }
        },
      };
    },
    async close() {
      await Promise.all(
        [...shared.values()].map(
          (e) => new Promise<void>((resolve) => e.client.end(true, {}, () => resolve())),
        ),
      );
      shared.clear();
    },
  };
}
