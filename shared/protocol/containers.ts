// Entity kinds of the containers capability: one `engine` per configured Docker engine and one
// `container` per container on it (id `<engine>/<name>`).

import * as v from 'valibot';
import { action, NoArgs } from './action.js';
import { MessageRef } from './message.js';

const when = v.nullable(v.number());

export const EngineInfo = v.object({
  name: v.string(),
  /** Where the agent reaches it: `unix:///var/run/docker.sock`, `tcp://nas.lan:2376 (TLS)`. */
  endpoint: v.string(),
  reachable: v.boolean(),
  /** Why it is unreachable (connection refused, no socket, TLS error…); null while reachable. */
  reason: v.nullable(v.string()),
  /** `reason` as a catalogue message (shared/messages/containers.ts). */
  reasonMsg: v.optional(MessageRef),
  /** When `reachable` last changed. */
  since: v.number(),
  /** When it was last attached: the attach time while reachable, the time it was lost after. */
  lastSeenAt: when,
  apiVersion: v.nullable(v.string()),
  engineVersion: v.nullable(v.string()),
  containers: v.number(),
  running: v.number(),
});
export type EngineInfo = v.InferOutput<typeof EngineInfo>;

/** How firmly the image reference is pinned: `latest` and `untagged` are unpinned; a tag without a digest can move. */
export const ImagePin = v.picklist(['digest', 'tag', 'latest', 'untagged']);
export type ImagePin = v.InferOutput<typeof ImagePin>;

export const RecoveryInfo = v.object({
  status: v.picklist(['waiting', 'starting', 'recovered', 'gave-up']),
  attempts: v.number(),
  nextAt: when,
  /** The retries stop at this time (the configured window). */
  until: v.number(),
});
export type RecoveryInfo = v.InferOutput<typeof RecoveryInfo>;

/** A mount and, where the agent can look (a local engine), whether its source is there and empty. */
export const ContainerMount = v.object({
  type: v.string(),
  source: v.string(),
  target: v.string(),
  readOnly: v.boolean(),
  seen: v.picklist(['present', 'empty', 'missing', 'unseen']),
});
export type ContainerMount = v.InferOutput<typeof ContainerMount>;

export const ContainerInfo = v.object({
  engine: v.string(),
  name: v.string(),
  /** Docker's id, first 12 hex digits. */
  containerId: v.string(),
  project: v.nullable(v.string()),
  service: v.nullable(v.string()),
  image: v.string(),
  imageId: v.string(),
  pin: ImagePin,
  /** False for `latest` or untagged images (SPEC §7.4). */
  pinned: v.boolean(),
  /** Docker's state: created, running, paused, restarting, removing, exited, dead. */
  state: v.string(),
  /** Null while it runs, or if it never ran. */
  exitCode: v.nullable(v.number()),
  /** Docker's State.Error: why the last start failed. */
  error: v.nullable(v.string()),
  oomKilled: v.boolean(),
  createdAt: v.number(),
  startedAt: when,
  finishedAt: when,
  restartCount: v.number(),
  /** no, always, unless-stopped, on-failure or on-failure:N. */
  restartPolicy: v.string(),
  health: v.nullable(v.string()),
  /** Output of the last health probe, when it failed. */
  healthOutput: v.nullable(v.string()),
  watched: v.boolean(),
  lifeline: v.boolean(),
  /** Why it is a lifeline: listed in the config, runs this agent, or a lifeline uses its network. */
  lifelineWhy: v.nullable(v.string()),
  /** True when this container runs the Lifeline agent itself. */
  self: v.boolean(),
  /** Name of the container whose network it uses (`network_mode: service:…`). */
  networkOf: v.nullable(v.string()),
  /** It died N times in M minutes (the engine's `restartLoop`). */
  looping: v.boolean(),
  /** Its last death came within `bootRace.minutes` of the host's boot. */
  bootRace: v.boolean(),
  recovery: v.nullable(RecoveryInfo),
  /** Its mounts (newer agents). */
  mounts: v.optional(v.array(ContainerMount)),
  /** The likely cause of a failed start, when a mount explains it (newer agents). */
  cause: v.optional(MessageRef),
});
export type ContainerInfo = v.InferOutput<typeof ContainerInfo>;

export const CONTAINERS_ENTITIES = {
  'containers.engine': EngineInfo,
  containers: ContainerInfo,
};

/** What a restart, start or stop answers: the container's key and the state it reached. */
const Acted = v.object({ container: v.string(), state: v.string(), already: v.optional(v.boolean()) });
const containerAction = <const N extends string>(name: N, alias: string) =>
  action({ name, target: 'required', args: NoArgs, result: Acted, aliases: [alias] });
export const ContainersRestart = containerAction('containers.restart', 'container.restart');
export const ContainersStart = containerAction('containers.start', 'container.start');
export const ContainersStop = containerAction('containers.stop', 'container.stop');

export const LogLine = v.object({
  at: v.nullable(v.number()),
  stream: v.picklist(['stdout', 'stderr']),
  text: v.string(),
});
export type LogLine = v.InferOutput<typeof LogLine>;
export const ContainersLogs = action({
  name: 'containers.logs',
  target: 'required',
  args: v.strictObject({
    lines: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(2000)), 200),
    timestamps: v.optional(v.boolean(), true),
  }),
  result: v.object({ container: v.string(), lines: v.array(LogLine), truncated: v.boolean() }),
  aliases: ['container.logs'],
});
export const CONTAINERS_ACTIONS = [ContainersRestart, ContainersStart, ContainersStop, ContainersLogs];
