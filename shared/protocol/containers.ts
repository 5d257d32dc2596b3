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

/**
 * The image a container runs against what its reference points to now on the same engine:
 * `moved` (the tag points to another image: the next recreate changes it), `missing` (the tag is
 * gone: the next recreate pulls it anew), `current`, `pinned` (by digest), `unknown`.
 */
export const ImageDrift = v.object({
  status: v.picklist(['current', 'moved', 'missing', 'pinned', 'unknown']),
  /** The registry digest of the running image (`repo@sha256:…`); null for one built or loaded here. */
  runningDigest: v.nullable(v.string()),
  /** The image the reference points to now: id (12 hex) and digest. */
  tagImageId: v.nullable(v.string()),
  tagDigest: v.nullable(v.string()),
  tagCreatedAt: when,
  /** What would change what it runs: a `recreate` (certain), a `pull` (a moving tag), or nothing. */
  changesOn: v.nullable(v.picklist(['recreate', 'pull'])),
});
export type ImageDrift = v.InferOutput<typeof ImageDrift>;

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
  /**
   * When a stop someone meant (a Lifeline action, docker stop, compose down) left it stopped: not a
   * problem to fix. Null again once it runs or dies on its own (newer agents).
   */
  stoppedOnPurposeAt: v.optional(v.nullable(v.number())),
  /** Its mounts (newer agents). */
  mounts: v.optional(v.array(ContainerMount)),
  /** The likely cause of a failed start, when a mount explains it (newer agents). */
  cause: v.optional(MessageRef),

  /** Absent until the engine has been asked about its image. */
  drift: v.optional(ImageDrift),
});
export type ContainerInfo = v.InferOutput<typeof ContainerInfo>;

/** What a one-tap fix may offer for a container eating the host; the guard still decides. */
export const ContainerFix = v.picklist(['stop', 'restart', 'limit-memory']);
export type ContainerFix = v.InferOutput<typeof ContainerFix>;

/**
 * One running container's use of the host (id `<engine>/<name>`), republished only when a figure
 * moved past its step, so 200 quiet containers cost the phones nothing per tick.
 */
export const ContainerUsage = v.object({
  engine: v.string(),
  name: v.string(),
  /** Docker's id, first 12 hex digits. */
  containerId: v.string(),
  memoryBytes: v.number(),
  memoryLimitBytes: v.nullable(v.number()),
  /** Change over `growthWindowMs` (the part of the window this container has been measured). */
  memoryGrowthBytes: v.nullable(v.number()),
  growthWindowMs: v.number(),
  /** Percent of one CPU, as `docker stats` shows it (200 = two full cores). */
  cpuPercent: v.nullable(v.number()),
  readBytesPerSec: v.nullable(v.number()),
  writeBytesPerSec: v.nullable(v.number()),
  /** From the cgroup files (every tick) or a one-shot stats request (a few containers per tick). */
  via: v.picklist(['cgroup', 'stats']),
  /** When these figures were read. */
  at: v.number(),
  /** A limit with room above today's use, offered by the "limit memory" fix. */
  suggestedLimitBytes: v.number(),
  fixes: v.array(ContainerFix),
});
export type ContainerUsage = v.InferOutput<typeof ContainerUsage>;

export const CONTAINERS_ENTITIES = {
  'containers.engine': EngineInfo,
  containers: ContainerInfo,
  'containers.usage': ContainerUsage,
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

/** Docker refuses less ("Minimum memory limit allowed is 6MB"). */
export const MIN_MEMORY_LIMIT = 6 * 1024 * 1024;

/** `docker update --memory`: the limit, with swap on top of it (0 by default, so the limit holds). */
export const ContainersLimitMemory = action({
  name: 'containers.limit-memory',
  target: 'required',
  args: v.strictObject({
    bytes: v.pipe(v.number(), v.safeInteger(), v.minValue(MIN_MEMORY_LIMIT, 'at least 6 MB')),
    swapBytes: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0))),
  }),
  result: v.object({
    container: v.string(),
    requestedBytes: v.number(),
    /** HostConfig.Memory / MemorySwap after the update. */
    inspectBytes: v.number(),
    inspectSwapBytes: v.number(),
    /** The kernel's limit; null when the agent cannot see the container's cgroup (a remote engine). */
    cgroupBytes: v.nullable(v.number()),
    message: MessageRef,
  }),
});

export const CONTAINERS_ACTIONS = [
  ContainersRestart,
  ContainersStart,
  ContainersStop,
  ContainersLogs,
  ContainersLimitMemory,
];
