// Wake-on-LAN entity kinds: one `host` per configured machine — who is up, the MAC checks, and
// the wake in flight (or the last one), so a client that reconnects mid-wake still sees it.
import * as v from 'valibot';
import { action, NoArgs } from './action.js';

const params = v.optional(v.record(v.string(), v.union([v.string(), v.number()])));

/** A warning, a likely cause or a probe problem: a stable code, English text, and what to fill in. */
export const HostNotice = v.object({ code: v.string(), message: v.string(), params });
export type HostNotice = v.InferOutput<typeof HostNotice>;

/** Where one magic packet went: a broadcast or the host's own address, on which interface. */
export const WakeTarget = v.object({
  address: v.string(),
  kind: v.picklist(['broadcast', 'unicast']),
  /** The local interface whose network holds the address; null when it is only reachable by routing. */
  interface: v.nullable(v.string()),
  ports: v.array(v.number()),
  /** Set when every send to this address failed (ENETUNREACH, …). */
  error: v.optional(v.string()),
});
export type WakeTarget = v.InferOutput<typeof WakeTarget>;

export const WAKE_STAGES = ['sent', 'waiting', 'up', 'no-answer', 'unverified'] as const;
export type WakeStage = (typeof WAKE_STAGES)[number];

export const HostWake = v.object({
  stage: v.picklist(WAKE_STAGES),
  startedAt: v.number(),
  finishedAt: v.nullable(v.number()),
  elapsedSeconds: v.number(),
  timeoutSeconds: v.number(),
  /** The device that asked. */
  by: v.string(),
  /** The MAC the packet was addressed to. */
  mac: v.string(),
  sentTo: v.array(WakeTarget),
  /** How the host answered, once up ("port 3389 open"). */
  answer: v.optional(v.string()),
  /**
   * `no-answer`: the likely causes, most specific first; `unverified`: why no check was possible;
   * `up`: a caveat (the address answered with another MAC).
   */
  notes: v.array(HostNotice),
});
export type HostWake = v.InferOutput<typeof HostWake>;

export const HostPresence = v.object({
  state: v.picklist(['online', 'offline', 'unknown']),
  /** When the state last changed (this agent run). */
  since: v.nullable(v.number()),
  /** Last time the host answered; survives agent restarts. */
  lastSeenAt: v.nullable(v.number()),
  checkedAt: v.nullable(v.number()),
  /** How it answered ("port 3389 open", "echo reply"). */
  answer: v.optional(v.string()),
  /** Why the state is unknown (no address, ICMP not permitted, name does not resolve). */
  problem: v.optional(HostNotice),
});
export type HostPresence = v.InferOutput<typeof HostPresence>;

export const HostInfo = v.object({
  name: v.string(),
  mac: v.string(),
  address: v.nullable(v.string()),
  secureOn: v.boolean(),
  probe: v.object({ kind: v.picklist(['tcp', 'icmp', 'none']), port: v.optional(v.number()) }),
  presence: HostPresence,
  /** The MAC the neighbour (ARP) table last showed for the host's address. */
  seen: v.nullable(v.object({ mac: v.string(), address: v.string(), at: v.number() })),
  /** MAC and reachability warnings: virtual NIC, locally administered, seen with another MAC, no route. */
  warnings: v.array(HostNotice),
  wake: v.nullable(HostWake),
});
export type HostInfo = v.InferOutput<typeof HostInfo>;

export const MACHINES_ENTITIES = { machines: HostInfo };

export const MachinesWake = action({
  name: 'machines.wake',
  target: 'required',
  args: v.strictObject({ useSeenMac: v.optional(v.boolean()) }),
  aliases: ['host.wake'],
});
export const MachinesProbe = action({
  name: 'machines.probe',
  target: 'required',
  args: NoArgs,
  aliases: ['host.probe'],
});
export const MACHINES_ACTIONS = [MachinesWake, MachinesProbe];
