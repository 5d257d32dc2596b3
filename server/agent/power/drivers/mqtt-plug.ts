// What every MQTT plug driver holds: its broker link (shared by the plugs on that broker), the
// requests waiting for an answer, and the listeners of its pushes. The driver says which topics it
// follows and what a message means; every message then goes on to the waiting requests.
import type { PlugConfig } from '../config.js';
import type { DriverDeps, PlugPush } from '../driver.js';
import type { MqttLink } from '../mqtt-hub.js';
import { MqttWaiters } from './mqtt-waiter.js';

export interface MqttPlug {
  readonly link: MqttLink;
  readonly waiters: MqttWaiters;
  /** The driver's `onPush` and `close`, as they are. */
  onPush(listener: (p: PlugPush) => void): void;
  close(): void;
}

export function mqttPlug(
  plug: PlugConfig,
  deps: DriverDeps,
  topics: string[],
  onMessage: (topic: string, payload: string, emit: (p: PlugPush) => void) => void,
): MqttPlug {
  const link = deps.mqtt.link(
    plug.address!,
    { username: plug.username, password: plug.password },
    plug.timeoutSeconds * 1000,
  );
  const waiters = new MqttWaiters();
  const listeners = new Set<(p: PlugPush) => void>();
  const emit = (p: PlugPush) => {
    for (const l of listeners) l(p);
  };
  const unsubscribe = link.subscribe(topics, (topic, payload) => {
    onMessage(topic, payload, emit);
    waiters.offer(topic, payload);
  });
  return {
    link,
    waiters,
    onPush(listener) {
      listeners.add(listener);
    },
    close() {
      listeners.clear();
      unsubscribe();
      link.release();
    },
  };
}
