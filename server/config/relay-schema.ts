// relay.yaml: the stand-alone relay (`lifeline relay`).
import path from 'node:path';
import * as v from 'valibot';
import { nonEmpty } from './fields.js';
import { RelaySettingsEntries } from './relay-settings.js';
import { parseYamlWithSchema, readConfigText } from './yaml-file.js';

export const RelayConfigSchema = v.strictObject({
  listen: v.optional(
    v.strictObject({
      host: v.optional(nonEmpty, '0.0.0.0'),
      port: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535)), 8081),
      tls: v.optional(v.strictObject({ cert: v.string(), key: v.string() })),
    }),
    {},
  ),
  data: v.optional(nonEmpty, './relay-data'),
  /**
   * Serve the app's files from this relay (for owners without a name of their own). Whoever runs
   * the relay can then change the code phones run: the app says so in Settings. Default: no.
   */
  app: v.optional(v.strictObject({ serve: v.optional(v.boolean(), false) }), {}),
  /**
   * One of several relay instances behind a load balancer that routes TLS by SNI (docs/relay.md,
   * "One relay and many"): agents with a name are asked to link with it as SNI, and the instances
   * share their state (homes, subscriptions, sealed notices, the push queue) in PostgreSQL.
   * Without `database` each keeps its own relay.db (tests of the routing alone).
   */
  cluster: v.optional(
    v.strictObject({
      /** postgres://user:${PGPASSWORD}@host:5432/db */
      database: v.optional(v.pipe(nonEmpty, v.regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'))),
      /** This instance's name in logs, metrics and /healthz; default: the host name. */
      instance: v.optional(nonEmpty),
    }),
  ),
  /**
   * The other relay of the same homes (primary ↔ standby, an agent's relay.standby): the app served
   * by either may open sessions through the other when its own relay is down. Their base URLs.
   */
  otherRelays: v.optional(
    v.array(
      v.pipe(
        v.string(),
        v.regex(/^https?:\/\/[^/\s]+\/?$/, 'a relay’s base, e.g. https://relay2.example.com'),
      ),
    ),
    [],
  ),
  ...RelaySettingsEntries,
});
export type RelayConfig = v.InferOutput<typeof RelayConfigSchema>;

export interface LoadedRelayConfig {
  config: RelayConfig;
  file: string;
  dataDir: string;
}

export function loadRelayConfig(file: string, env: NodeJS.ProcessEnv = process.env): LoadedRelayConfig {
  const { value } = parseYamlWithSchema(RelayConfigSchema, readConfigText(file), file, env);
  return { config: value, file, dataDir: path.resolve(path.dirname(file), value.data) };
}

export const DEFAULT_RELAY_CONFIG = `# Lifeline relay configuration. Runs outside the house (a small VPS); agents dial out to it.
# Put it behind TLS (docs/relay.md: "Run a relay on a small VPS"); every key: docs/relay.md

listen:
  host: 0.0.0.0
  port: 8081

data: ./relay-data       # SQLite database and VAPID keys, created with mode 0700

# Home ids this relay serves (printed by \`lifeline start\` / \`lifeline check\` on each agent).
homes: []

# Proxies whose X-Forwarded-For header is trusted (e.g. Caddy on the same host).
trustProxy: [127.0.0.1]

vapidSubject: mailto:you@example.com

offline:
  afterSeconds: 15       # no heartbeat this long → home offline (agents beat every third of it)
  graceSeconds: 20       # push "home offline" this long after the last sign of life

# Phones' HTTPS for your home's own name (tls.name on the agent) passes through here unopened: the
# relay reads only the name and cannot see or change what is inside. Other names go to fallback.
# passthrough:
#   port: 443
#   fallback: 127.0.0.1:8443   # Caddy (or your proxy) serving this relay's own name
#   proxyFrom: [10.0.0.5]      # a load balancer in front that sends PROXY headers (HAProxy send-proxy-v2)

# Several relay instances behind one load balancer (HAProxy routing by SNI) share their state in
# PostgreSQL instead of relay.db; see docs/relay.md "State in PostgreSQL". \${ENV} is substituted.
# cluster:
#   database: postgres://lifeline:\${PGPASSWORD}@127.0.0.1:5432/lifeline
#   instance: relay-1        # default: the host name

# Serve the app from this relay (only without a name of your own): its operator is then trusted
# with the app's code.
# app:
#   serve: false

# A standby relay for the same homes (their agents' relay.standby): name the other relay here, on
# both, so the app served by either can reach home through the other. The standby also needs this
# relay's VAPID keys (\`lifeline relay --vapid-keys\` prints them for its relay.yaml).
# otherRelays: ["https://relay2.example.com"]
`;
