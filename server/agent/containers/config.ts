// The `containers:` section of lifeline.yaml (`docker:` is its earlier name): one entry per
// Docker engine, with the containers to watch and those the remote path depends on.
import * as v from 'valibot';
import { displayName, id, nonEmpty, rule, tlsFiles, urlWithScheme } from '../../config/fields.js';

const positive = (max: number) => v.pipe(v.number(), v.gtValue(0), v.maxValue(max));
const whole = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

/** Per-container use of CPU, memory and disk (docs/containers.md); `false` turns it off. */
const UsageSchema = v.optional(
  v.union([
    v.literal(false),
    v.strictObject({
      intervalSeconds: v.optional(whole(1, 3600), 10),
      /** How far back growth is measured ("grew 1.2 GB in 10 min"). */
      windowMinutes: v.optional(whole(1, 1440), 10),
      /** Containers measured at most (by name order). */
      max: v.optional(whole(1, 2000), 200),
      /** One-shot stats requests per tick, for containers whose cgroup files the agent cannot see. */
      statsPerTick: v.optional(whole(1, 50), 4),
    }),
  ]),
  {},
);

export const EngineSchema = v.pipe(
  v.strictObject({
    id,
    name: v.optional(displayName),
    socket: v.optional(nonEmpty),
    url: v.optional(urlWithScheme(/^(tcp|https?)$/, 'a URL such as tcp://nas.lan:2376')),
    tls: v.optional(tlsFiles),
    /** Container names (or `project/service`) to notify about when they stop unexpectedly. */
    watch: v.optional(v.array(nonEmpty), []),
    /** Containers the remote path depends on: stop refused, restart confirmed naming the cost (§4). */
    lifeline: v.optional(v.array(nonEmpty), []),
    restartLoop: v.optional(
      v.strictObject({
        restarts: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(100)), 3),
        minutes: v.optional(positive(1440), 5),
      }),
      {},
    ),
    bootRace: v.optional(
      v.strictObject({
        /** A death this soon after the host booted is a boot race (a mount or a network not ready yet). */
        minutes: v.optional(positive(1440), 10),
        /** Opt-in: retry watched containers that died at boot with a start error or exit 126/127/128. */
        recover: v.optional(v.boolean(), false),
        /** How long to keep retrying after the first failure. */
        windowMinutes: v.optional(positive(1440), 10),
      }),
      {},
    ),
    usage: UsageSchema,
  }),
  rule((e, report) => {
    if (e.socket && e.url) report([], 'either socket or url, not both');
    else if (e.tls && !e.url) report(['tls'], 'tls files only with a url such as tcp://nas.lan:2376');
  }),
);
export type EngineConfig = v.InferOutput<typeof EngineSchema>;
export type UsageSettings = Exclude<EngineConfig['usage'], false>;

export const ContainersSection = v.optional(v.array(EngineSchema), []);
