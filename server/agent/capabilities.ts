// The capabilities the agent can run, in start order, each in its own folder beside this file.
// One entry per capability: its config key (and the names the key had before), the schema of its
// config section, whether a config asks for it, its actions in the shared vocabulary, and how to
// load its code — which happens only when the config asks for it. Add a capability: one line here.
import * as v from 'valibot';
import { fail, msg } from '../../shared/messages/say.js';
import type { ActionSpec } from '../../shared/protocol/action.js';
import { CONTAINERS_ACTIONS } from '../../shared/protocol/containers.js';
import { HOST_ACTIONS } from '../../shared/protocol/host.js';
import { MACHINES_ACTIONS } from '../../shared/protocol/machines.js';
import { NETWORK_ACTIONS } from '../../shared/protocol/network.js';
import { POWER_ACTIONS } from '../../shared/protocol/power.js';
import { TLS_ACTIONS } from '../../shared/protocol/tls.js';
import { UPS_ACTIONS } from '../../shared/protocol/ups.js';
import { defineAction } from './actions.js';
import type { AgentContext, Capability } from './capability.js';
import { ContainersSection } from './containers/config.js';
import { HostConfigSchema } from './host/config.js';
import { MachinesSection } from './machines/config.js';
import { NetworkSection } from './network/config.js';
import { planFrom } from './network/plan.js';
import { PowerSection } from './power/config.js';
import { TlsSection } from './tls/config.js';
import { UpsListSchema } from './ups/config.js';

export type CapabilityFactory = (ctx: AgentContext) => Capability;

export interface CapabilityEntry<K extends string = string, S extends v.GenericSchema = v.GenericSchema> {
  /** The word: folder, config key, entity kinds, actions, screen, ctl command. */
  key: K;
  /** Earlier config keys, still accepted (with a deprecation line). */
  aliases: readonly string[];
  section: S;
  /** Whether this part of the config asks for the capability at all. */
  enabled(section: v.InferOutput<S>): boolean;
  actions: readonly ActionSpec[];
  load(): Promise<CapabilityFactory>;
}

function capability<const K extends string, S extends v.GenericSchema>(e: CapabilityEntry<K, S>) {
  return e;
}

const some = (list: readonly unknown[]) => list.length > 0;

export const CAPABILITIES = [
  capability({
    key: 'power',
    aliases: ['plugs'],
    section: PowerSection,
    enabled: some,
    actions: POWER_ACTIONS,
    load: () => import('./power/power.js').then((m) => m.createPowerCapability),
  }),
  capability({
    key: 'network',
    aliases: ['net'],
    section: NetworkSection,
    enabled: (n) => planFrom(n).enabled,
    actions: NETWORK_ACTIONS,
    load: () => import('./network/network.js').then((m) => m.createNetworkCapability),
  }),
  capability({
    key: 'containers',
    aliases: ['docker'],
    section: ContainersSection,
    enabled: some,
    actions: CONTAINERS_ACTIONS,
    load: () => import('./containers/containers.js').then((m) => m.createContainersCapability),
  }),
  capability({
    key: 'machines',
    aliases: ['hosts'],
    section: MachinesSection,
    enabled: some,
    actions: MACHINES_ACTIONS,
    load: () => import('./machines/machines.js').then((m) => m.createMachinesCapability),
  }),
  capability({
    key: 'host',
    aliases: [],
    section: v.optional(HostConfigSchema),
    enabled: (h) => h !== undefined,
    actions: HOST_ACTIONS,
    load: () => import('./host/host.js').then((m) => m.createHostCapability),
  }),
  capability({
    key: 'ups',
    aliases: [],
    section: v.optional(UpsListSchema, []),
    enabled: some,
    actions: UPS_ACTIONS,
    load: () => import('./ups/ups.js').then((m) => m.createUpsCapability),
  }),
  capability({
    key: 'tls',
    aliases: [],
    section: TlsSection,
    enabled: (t) => t !== undefined,
    actions: TLS_ACTIONS,
    load: () => import('./tls/capability.js').then((m) => (ctx: AgentContext) => m.createTlsCapability(ctx)),
  }),
] as const;

export type CapabilityKey = (typeof CAPABILITIES)[number]['key'];

/**
 * The capabilities this config asks for, loaded and built, in start order. A capability the config
 * does not ask for loads no code; its actions are answered with a clear "not set up" refusal.
 */
export async function capabilitiesFor(ctx: AgentContext): Promise<Capability[]> {
  const out: Capability[] = [];
  for (const entry of CAPABILITIES as readonly CapabilityEntry[]) {
    if (entry.enabled(ctx.config[entry.key as CapabilityKey])) out.push((await entry.load())(ctx));
    else out.push(notSetUp(entry));
  }
  return out;
}

function notSetUp(entry: CapabilityEntry): Capability {
  const message = msg('guard.not-set-up', { capability: entry.key });
  return {
    name: entry.key,
    actions: entry.actions.map((spec) =>
      defineAction(spec, {
        classify: () => ({ decision: 'refuse', code: 'unsupported', message }),
        run: () => Promise.reject(fail('unsupported', message)),
      }),
    ),
    start() {},
    stop() {},
  };
}
