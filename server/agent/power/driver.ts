// The one interface every smart-plug driver implements. The capability (polling, guard, events)
// knows nothing of Shelly or Tasmota; a driver knows nothing of the guard.
import type { Clock } from '../../clock.js';
import type { Report } from '../../config/fields.js';
import type { Logger } from '../../log.js';
import type { PlugConfig } from './config.js';
import type { MqttHub } from './mqtt-hub.js';

export type TimerKind = 'atomic' | 'two-step' | 'none';

/** What the device really supports, declared by the driver (and, for miIO, by the model). */
export interface PlugCapabilities {
  /** Reports power draw in watts. */
  power: boolean;
  /** A device-side "off now, back on after N s": one request, two requests, or none. */
  timer: TimerKind;
  /** Longest off time its timer accepts; 0 without a timer. */
  maxCycleSeconds: number;
  /** The device pushes its state (MQTT): no polling needed. */
  push: boolean;
}

export interface PlugReading {
  on: boolean;
  watts?: number;
}

/** Proof that the device armed its own timer: what it answered. */
export interface CycleReceipt {
  /** One line for the audit and the event ("reply has_timer:true, timer_duration:30"). */
  evidence: string;
}

export type PlugPush = { kind: 'reading'; reading: PlugReading } | { kind: 'offline'; reason: string };

export interface PlugDriver {
  readonly capabilities: PlugCapabilities;
  /** Reads relay state (and power where reported). Throws LifelineError: timeout, unreachable, failed. */
  read(signal?: AbortSignal): Promise<PlugReading>;
  /** Switches the relay and returns the state the device reports afterwards. */
  set(on: boolean, signal?: AbortSignal): Promise<PlugReading>;
  /**
   * Off now; the DEVICE turns it back on after `seconds`. Resolves only when the device's answer
   * proves the timer is armed; throws 'unsupported' without a device timer, 'timeout' when the
   * request went out but no answer came back (the plug may or may not be off).
   */
  cycle(seconds: number, signal?: AbortSignal): Promise<CycleReceipt>;
  /** Push drivers report changes the device announces by itself. */
  onPush?(listener: (push: PlugPush) => void): void;
  close(): Promise<void> | void;
}

export interface DriverDeps {
  clock: Clock;
  log: Logger;
  mqtt: MqttHub;
}

export type DriverFactory = (plug: PlugConfig, deps: DriverDeps) => PlugDriver;

/** Plug keys a driver may read besides the common ones (config.ts has their schemas). */
export type DriverKey =
  | 'address'
  | 'channel'
  | 'username'
  | 'password'
  | 'token'
  | 'topic'
  | 'baseTopic'
  | 'entity'
  | 'powerEntity'
  | 'model';

/**
 * A driver as the registry (drivers/index.ts) knows it, from its folder's spec.ts: the keys of a
 * plug entry it reads, what an entry must say for it (key → why), rules of its own, and how to load
 * its code. Any other driver key in an entry is named as a mistake, so a key meant for another
 * brand is never silently ignored.
 */
export interface DriverSpec {
  keys: readonly DriverKey[];
  requires?: Partial<Record<DriverKey, string>>;
  check?(plug: PlugConfig, report: Report): void;
  /** Talks to its plugs through an MQTT broker (the MQTT library loads only then). */
  mqtt?: true;
  /** The driver's code (its folder's driver.ts), imported only when a configured plug uses it. */
  load(): Promise<DriverFactory>;
}

/** What an entry's address is, by kind of driver: the device itself, an MQTT broker, a server. */
export const DEVICE_ADDRESS = "the plug's host or host:port";
export const BROKER_ADDRESS = 'the MQTT broker, e.g. 192.168.1.10:1883';
