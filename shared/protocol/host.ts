// Entity kinds of the host capability: one `host` entity (id `self`) with the host's vitals, its top
// consumers and its active alerts. A null field is "not available" (a VM without sensors, a kernel
// without pressure stall information, a file the agent cannot see).
import * as v from 'valibot';
import { ContainerUsage } from './containers.js';
import { MessageRef } from './message.js';

const num = v.number();
const maybe = v.nullable(v.number());

const PressureLine = v.object({ avg10: num, avg60: num, avg300: num });
export const PressureVitals = v.nullable(v.object({ some: PressureLine, full: v.nullable(PressureLine) }));
export type PressureVitals = v.InferOutput<typeof PressureVitals>;

export const MountVitals = v.object({
  mountPoint: v.string(),
  fsType: v.string(),
  source: v.string(),
  sizeBytes: maybe,
  usedBytes: maybe,
  availableBytes: maybe,
  usedPercent: maybe,
  /** Change of used space over the window (negative when space was freed). */
  growthBytes: maybe,
  readBytesPerSec: maybe,
  writeBytesPerSec: maybe,
  /** Share of time the device had I/O in flight. */
  busyPercent: maybe,
});
export type MountVitals = v.InferOutput<typeof MountVitals>;

export const TemperatureVitals = v.object({ sensor: v.string(), label: v.string(), celsius: num });

export const HostRule = v.picklist([
  'memoryPressure',
  'memoryAvailable',
  'swapUsed',
  'diskUsed',
  'cpuPressure',
  'ioPressure',
  'containerMemory',
]);
export type HostRule = v.InferOutput<typeof HostRule>;

export const HostAlert = v.object({
  rule: HostRule,
  /** `` for the host, the mount point for diskUsed, `<engine>/<name>` for containerMemory. */
  subject: v.string(),
  /** When the condition began (before the sustain time ran out). */
  since: num,
  message: MessageRef,
  /** The consumers the message names, each its own descriptor. */
  consumers: v.array(MessageRef),
  /** English text of message + consumers. */
  text: v.string(),
});
export type HostAlert = v.InferOutput<typeof HostAlert>;

export const HostVitals = v.object({
  at: num,
  /** Where the agent reads the host: `/`, or `/host` in Docker. */
  root: v.string(),
  cpu: v.nullable(v.object({ busyPercent: num, iowaitPercent: num, cpus: num })),
  load: v.nullable(v.object({ one: num, five: num, fifteen: num })),
  memory: v.nullable(
    v.object({
      totalBytes: num,
      availableBytes: num,
      availablePercent: num,
      swapTotalBytes: num,
      swapUsedBytes: num,
      /** Null without swap. */
      swapUsedPercent: maybe,
    }),
  ),
  pressure: v.object({ cpu: PressureVitals, memory: PressureVitals, io: PressureVitals }),
  mounts: v.array(MountVitals),
  temperatures: v.array(TemperatureVitals),
  boot: v.object({ bootId: v.nullable(v.string()), bootTime: maybe }),
  /** Running containers whose use is known (the `containers.usage` entities), and how it was read. */
  containers: v.object({
    measured: num,
    source: v.nullable(v.picklist(['cgroup', 'stats', 'mixed'])),
  }),
  /** The biggest consumers by memory, then CPU, then I/O (a few), from `containers.usage`: what Home shows under pressure. */
  top: v.array(ContainerUsage),
  alerts: v.array(HostAlert),
  windowMs: num,
  /** What could not be read, in words ("pressure stall information: /proc/pressure/memory"). */
  unavailable: v.array(v.string()),
});
export type HostVitals = v.InferOutput<typeof HostVitals>;

export const HOST_ENTITIES = {
  host: HostVitals,
};

/** The host capability only watches: its fixes are the containers' actions. */
export const HOST_ACTIONS = [] as const;
