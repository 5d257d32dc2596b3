// The `power:` section of lifeline.yaml (`plugs:` is its earlier name): one entry per smart plug.
// Common keys here; which driver keys an entry may carry, and what each driver needs, is declared
// by the driver itself (drivers/<brand>.ts) and checked through the registry (drivers/index.ts).
import * as v from 'valibot';
import { address, displayName, id, nonEmpty, rule, secret } from '../../config/fields.js';
import { splitHostPort } from '../../host-port.js';
import type { DriverKey } from './driver.js';
import { DRIVERS } from './drivers/index.js';

const DRIVER_NAMES = Object.keys(DRIVERS) as [string, ...string[]];
const text200 = v.pipe(v.string(), v.minLength(1), v.maxLength(200));
const ranged = (min: number, max: number) => v.pipe(v.number(), v.minValue(min), v.maxValue(max));
const whole = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

const DRIVER_KEY_SCHEMAS = {
  /** The device (host or host:port); for MQTT drivers the broker; for Home Assistant its URL. */
  address: v.optional(address),
  channel: v.optional(whole(0, 16)),
  username: v.optional(nonEmpty),
  password: v.optional(secret),
  token: v.optional(secret),
  topic: v.optional(text200),
  baseTopic: v.optional(text200),
  entity: v.optional(nonEmpty),
  powerEntity: v.optional(nonEmpty),
  model: v.optional(nonEmpty),
} satisfies Record<DriverKey, v.GenericSchema>;
const DRIVER_SPECIFIC = Object.keys(DRIVER_KEY_SCHEMAS).filter((k) => k !== 'address') as DriverKey[];

export const PlugSchema = v.pipe(
  v.strictObject({
    id,
    name: displayName,
    driver: v.picklist(DRIVER_NAMES),
    ...DRIVER_KEY_SCHEMAS,
    lifeline: v.optional(v.boolean(), false),
    powers: v.optional(v.array(nonEmpty), []),
    cycleSeconds: v.optional(whole(5, 3600), 30),
    /** After power returns, how long until the agent is reachable again (router, host and agent boot). */
    bootSeconds: v.optional(whole(0, 1800), 120),
    pollSeconds: v.optional(ranged(1, 3600), 10),
    timeoutSeconds: v.optional(ranged(0.5, 60), 5),
  }),
  rule((p, report) => {
    const spec = DRIVERS[p.driver];
    if (!spec) return;
    for (const key of DRIVER_SPECIFIC)
      if (p[key] !== undefined && !spec.keys.includes(key)) report([key], `not used by driver ${p.driver}`);
    for (const [key, why] of Object.entries(spec.requires ?? {}))
      if (p[key as DriverKey] === undefined) report([key], `missing; ${why}`);
    spec.check?.(p, report);
    if (p.lifeline && p.powers.length === 0)
      report(
        ['powers'],
        'a lifeline plug needs powers: [...] (what goes down with it; shown in every confirmation)',
      );
  }),
);
export type PlugConfig = v.InferOutput<typeof PlugSchema>;

/**
 * Where an entry's switch is, as far as the config can tell: host and port (any port matches a
 * missing one), channel, and the topic or entity for bridges. Two entries for one outlet would let
 * the second switch a lifeline plug off without the guard knowing it is the lifeline.
 */
function outlet(p: PlugConfig) {
  let host = (p.address ?? '').trim().toLowerCase();
  let port: string | undefined;
  if (host.includes('://')) {
    try {
      const u = new URL(host);
      host = u.hostname;
      port = u.port || undefined;
    } catch {}
  } else {
    // `[fe80::1]:9999` and `fe80::1` are one host, as every driver reads them.
    const at = splitHostPort(host);
    if (at) [host, port] = [at.host, at.port === undefined ? undefined : String(at.port)];
  }
  return {
    host: host.replace(/\.$/, ''),
    port,
    rest: JSON.stringify([p.channel ?? 0, p.topic, p.baseTopic, p.entity]),
  };
}

function sameOutlet(a: PlugConfig, b: PlugConfig): boolean {
  const [x, y] = [outlet(a), outlet(b)];
  return x.host === y.host && x.rest === y.rest && (x.port === y.port || !x.port || !y.port);
}

export const PowerSection = v.optional(
  v.pipe(
    v.array(PlugSchema),
    rule((plugs, report) => {
      plugs.forEach((p, i) => {
        const first = plugs.findIndex((q, j) => j < i && sameOutlet(q, p));
        if (first >= 0)
          report(
            [i, 'address'],
            `the same outlet as power[${first}] (${plugs[first]!.id}): one entry per outlet, so the guard knows every way to switch it`,
          );
      });
    }),
  ),
  [],
);
