// The capabilities the agent runs, in start order. Each lives in its own folder beside this file
// and is built from the shared AgentContext; add one line here to add one.
import type { AgentContext, Capability } from './capability.js';
import { createDockerCapability } from './docker/docker.js';
import { createNetCapability } from './net/net.js';
import { createPlugsCapability } from './plugs/plugs.js';
import { createSystemCapability } from './system/system.js';
import { createWolCapability } from './wol/wol.js';

export type CapabilityFactory = (ctx: AgentContext) => Capability;

export const CAPABILITY_FACTORIES: readonly CapabilityFactory[] = [
  createSystemCapability,
  (ctx) => createPlugsCapability(ctx),
  (ctx) => createNetCapability(ctx),
  (ctx) => createDockerCapability(ctx),
  createWolCapability,
];
