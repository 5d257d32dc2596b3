// The capabilities the agent runs, in start order. Each lives in its own folder beside this file
// and is built from the shared AgentContext; add one line here to add one.
import type { AgentContext, Capability } from './capability.js';
import { createDockerCapability } from './containers/containers.js';
import { createWolCapability } from './machines/machines.js';
import { createNetCapability } from './network/network.js';
import { createPlugsCapability } from './power/power.js';
import { createSystemCapability } from './status/status.js';

export type CapabilityFactory = (ctx: AgentContext) => Capability;

export const CAPABILITY_FACTORIES: readonly CapabilityFactory[] = [
  createSystemCapability,
  (ctx) => createPlugsCapability(ctx),
  (ctx) => createNetCapability(ctx),
  (ctx) => createDockerCapability(ctx),
  createWolCapability,
];
