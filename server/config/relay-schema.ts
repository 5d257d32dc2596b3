// relay.yaml: the stand-alone relay (`lifeline relay`).
import path from 'node:path';
import { z } from 'zod';
import { parseYamlWithSchema, readConfigText } from './load.js';
import { RelaySettingsSchema } from './relay-settings.js';

export const RelayConfigSchema = z.strictObject({
  listen: z
    .strictObject({
      host: z.string().min(1).default('0.0.0.0'),
      port: z.number().int().min(0).max(65535).default(8081),
      tls: z.strictObject({ cert: z.string(), key: z.string() }).optional(),
    })
    .default({ host: '0.0.0.0', port: 8081 }),
  data: z.string().min(1).default('./relay-data'),
  ...RelaySettingsSchema.shape,
});
export type RelayConfig = z.output<typeof RelayConfigSchema>;

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
# Put it behind TLS (see README: "Run a relay"). Reference: docs/relay.md

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
  afterSeconds: 25       # no heartbeat this long → home offline
  graceSeconds: 60       # push "home offline" only after this long
`;
