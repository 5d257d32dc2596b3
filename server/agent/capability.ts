// The contract between the agent core and a capability (system, devices, wol, docker, plugs, net).
// The core only wires capabilities together; it knows nothing of Docker or Shelly.
import type { ActionSpec, CallOf } from '../../shared/protocol/action.js';
import type { ResultFrame } from '../../shared/protocol/frames.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { AgentMetrics } from '../metrics.js';
import type { Db } from '../store/db.js';
import type { KvRepo } from '../store/kv-repo.js';
import type { AnyAction } from './actions.js';
import type { EventLog } from './event-log.js';
import type { StateStore } from './state.js';

export interface AgentContext {
  config: Config;
  /** The config file's folder: relative paths in it (a password file) are read from there. */
  configDir: string;
  dataDir: string;
  homeId: string;
  state: StateStore;
  events: EventLog;
  kv: KvRepo;
  db: Db;
  clock: Clock;
  log: Logger;
  metrics: AgentMetrics;
  /** When the host booted (ms since the epoch), computed once by the agent core. */
  hostBootAt: number;
  /** Where the host's root is for the agent: `/`, or `/host` in Docker (config `host.root`). */
  hostRoot: string;
  /**
   * Runs an action as the agent itself, for a rule the owner wrote in the config (a UPS's
   * onBattery stops): through the guard like any request — classified, refused for a lifeline,
   * audited under `rule` — with a confirmation answered by that config.
   */
  act<S extends ActionSpec>(spec: S, call: CallOf<S>, rule: string): Promise<ResultFrame>;
}

export interface CheckRow {
  name: string;
  status: 'ok' | 'warn' | 'fail';
  detail: string;
}

export interface Capability {
  readonly name: string;
  readonly actions: readonly AnyAction[];
  /** Starts watching; must not throw when a dependency is down (report it as degraded state instead). */
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
  /** Probes for `lifeline check`. */
  check?(): Promise<CheckRow[]>;
}
