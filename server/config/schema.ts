// The one schema of lifeline.yaml (SPEC §3), composed: the agent's own keys here, and one section
// per capability from the capability registry (server/agent/capabilities.ts), each defined in its
// capability's folder. The JSON Schema for editors is generated from it
// (scripts/emit-config-schema.mjs → docs/lifeline.schema.json), so the two never drift.
import * as v from 'valibot';
import { CAPABILITIES } from '../agent/capabilities.js';
import { NotifySection } from '../agent/notify/config.js';
import { PasskeysSection } from '../agent/passkeys/config.js';
import { addressOrCidr, nonEmpty, urlWithScheme } from './fields.js';
import { RelaySettingsSchema } from './relay-settings.js';

const CORE = {
  home: v.optional(
    v.strictObject({ name: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(80)), 'Home') }),
    {},
  ),
  listen: v.optional(
    v.strictObject({
      host: v.optional(nonEmpty, '127.0.0.1'),
      port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535)), 8080),
      tls: v.optional(v.strictObject({ cert: v.string(), key: v.string() })),
    }),
    {},
  ),
  /** The address phones use to reach this home (printed in pairing links). Default: relay or listen address. */
  publicUrl: v.optional(urlWithScheme(/^https?$/, 'an http:// or https:// URL')),
  data: v.optional(nonEmpty, './data'),
  relay: v.optional(
    v.strictObject({
      url: urlWithScheme(/^(wss?|https?)$/, 'a URL such as wss://relay.example.com'),
      /** A second relay the agent links to as well; phones reach home through whichever answers. */
      standby: v.optional(urlWithScheme(/^(wss?|https?)$/, 'a URL such as wss://relay2.example.com')),
      /** How often the agent tells the relay it is alive. */
      heartbeatSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(60)), 10),
    }),
  ),
  /** Settings of the relay embedded by `lifeline start` (ignored by `lifeline agent`). */
  relayServer: v.optional(RelaySettingsSchema),
  /** Who may read /metrics besides loopback: addresses or CIDRs (e.g. your Prometheus host). */
  metrics: v.optional(v.strictObject({ allow: v.optional(v.array(addressOrCidr), []) }), {}),
  notify: NotifySection,
  passkeys: PasskeysSection,
};

type Sections = { [E in (typeof CAPABILITIES)[number] as E['key']]: E['section'] };
const SECTIONS = Object.fromEntries(CAPABILITIES.map((c) => [c.key, c.section])) as Sections;

export const ConfigSchema = v.strictObject({ ...CORE, ...SECTIONS });
export type Config = v.InferOutput<typeof ConfigSchema>;

/** Earlier names of top-level keys, still accepted: alias → current key. */
export const KEY_ALIASES: Readonly<Record<string, string>> = Object.fromEntries(
  CAPABILITIES.flatMap((c) => c.aliases.map((alias) => [alias, c.key])),
);

/** Rules that span entries (unique ids in every list section); returned as [path, message] pairs. */
export function crossChecks(config: Config): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  for (const { key } of CAPABILITIES) {
    const section: unknown = config[key];
    if (!Array.isArray(section)) continue;
    const seen = new Map<string, number>();
    section.forEach((entry: { id?: unknown }, i) => {
      if (typeof entry?.id !== 'string') return;
      const first = seen.get(entry.id);
      if (first !== undefined)
        problems.push({
          path: [key, i, 'id'],
          message: `duplicate id "${entry.id}" (also ${key}[${first}])`,
        });
      else seen.set(entry.id, i);
    });
  }
  return problems;
}
