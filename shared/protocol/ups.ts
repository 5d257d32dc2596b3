// The UPS entity kind `ups` (id = the config id of a `ups:` entry): what one UPS behind upsd
// (NUT) reports, as the Home card, the UPS screen and `ctl ups` show it.
import * as v from 'valibot';
import { ERROR_CODES } from './errors.js';

/** From ups.status: OL → online, OB → on-battery, OB LB or FSD → low-battery, else unknown. */
export const UPS_STATUSES = ['online', 'on-battery', 'low-battery', 'unknown'] as const;
export type UpsStatus = (typeof UPS_STATUSES)[number];

/** Status words worth telling the owner about besides the power state. */
export const UPS_WARNINGS = [
  'replace-battery', // RB
  'overload', // OVER
  'on-bypass', // BYPASS: the load is on raw mains, unprotected
  'forced-shutdown', // FSD: a shutdown of the UPS's load is under way
  'output-off', // OFF
  'calibrating', // CAL
  'alarm', // ALARM (ups.alarm has the text)
] as const;
export type UpsWarning = (typeof UPS_WARNINGS)[number];

export const UpsOutage = v.object({
  /** When the agent first saw the UPS on battery. */
  since: v.number(),
  /** When the battery was first reported low in this outage. */
  lowBatteryAt: v.optional(v.number()),
  /** When it ended (only on lastOutage). */
  endedAt: v.optional(v.number()),
});
export type UpsOutage = v.InferOutput<typeof UpsOutage>;

export const UpsRule = v.object({
  afterMinutes: v.optional(v.number()),
  runtimeBelowMinutes: v.optional(v.number()),
  /** Containers stopped cleanly when the rule fires. */
  stop: v.array(v.string()),
  /** When it fired in the current outage (it fires once per outage). */
  firedAt: v.optional(v.number()),
});
export type UpsRule = v.InferOutput<typeof UpsRule>;

export const UpsInfo = v.object({
  name: v.string(),
  /** upsd's host:port. */
  address: v.string(),
  /** The UPS's name on that upsd. */
  upsName: v.string(),
  model: v.optional(v.string()),
  /** False once several polls in a row failed; the readings below are then the last known. */
  reachable: v.boolean(),
  /** Why upsd or the UPS cannot be read (a stable code, a message, and NUT's reason word). */
  problem: v.optional(
    v.object({ code: v.picklist(ERROR_CODES), message: v.string(), reason: v.optional(v.string()) }),
  ),
  status: v.picklist(UPS_STATUSES),
  /** The raw ups.status words, e.g. ["OB", "DISCHRG"]. */
  flags: v.array(v.string()),
  warnings: v.array(v.picklist(UPS_WARNINGS)),
  battery: v.optional(v.picklist(['charging', 'discharging'])),
  /** battery.charge, percent. */
  charge: v.optional(v.number()),
  /** battery.runtime: seconds left at the present load. */
  runtimeSeconds: v.optional(v.number()),
  /** ups.load, percent of capacity. */
  load: v.optional(v.number()),
  inputVoltage: v.optional(v.number()),
  /** Set while on battery. */
  outage: v.optional(UpsOutage),
  lastOutage: v.optional(UpsOutage),
  rule: v.optional(UpsRule),
  /** Last time upsd answered for this UPS. */
  seenAt: v.optional(v.number()),
  /** Last time `status` changed. */
  changedAt: v.optional(v.number()),
});
export type UpsInfo = v.InferOutput<typeof UpsInfo>;

export const UPS_ENTITIES = { ups: UpsInfo };

/** The UPS capability only watches; its onBattery rule acts through the containers' actions. */
export const UPS_ACTIONS = [] as const;
