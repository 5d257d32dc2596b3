// The one schema of lifeline.yaml (SPEC §3). The JSON Schema for editors is generated from it
// (scripts/emit-config-schema.mjs → docs/lifeline.schema.json), so the two never drift.
import { z } from 'zod';

const id = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a short id: lower-case letters, digits, - or _ (at most 40)');
const port = z.number().int().min(1).max(65535);
const hostname = z.string().min(1).max(253);
const ipv4 = z.string().regex(/^(\d{1,3})(\.\d{1,3}){3}$/, 'an IPv4 address such as 192.168.1.255');

export const MAC_PATTERN = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;
export const mac = z
  .string()
  .regex(MAC_PATTERN, 'a MAC address of six hex pairs, e.g. a8:a1:59:12:34:56')
  .transform((m) => m.toLowerCase().replaceAll('-', ':'));

/** host or host:port, as the SPEC uses for every device. */
const address = z.string().min(1).max(260);

const secret = z.string().min(1);

// ——— Wake-on-LAN hosts (server/agent/wol) ———

/** A MAC a network card can have: not a multicast/broadcast group (odd first byte), not all zeros. */
const cardMac = mac
  .refine((m) => (Number.parseInt(m.slice(0, 2), 16) & 1) === 0, {
    message: "a network card's MAC, not a multicast or broadcast address (its first byte is odd)",
  })
  .refine((m) => m !== '00:00:00:00:00:00', { message: "a network card's MAC, not 00:00:00:00:00:00" });

const ipv4Address = ipv4.refine((a) => a.split('.').every((o) => Number(o) <= 255), {
  message: 'an IPv4 address with each part from 0 to 255',
});

export const WOL_DEFAULT_PORTS = [9, 7];

export const HostSchema = z.strictObject({
  id,
  name: z.string().min(1).max(80).optional(),
  mac: cardMac,
  /** Where the machine answers once awake: for wake verification, presence and the ARP cross-check. */
  address: hostname.optional(),
  /** Default: every IPv4 interface's directed broadcast. */
  broadcast: ipv4Address.optional(),
  /** UDP ports the magic packet goes to. */
  ports: z.array(port).min(1).max(4).default(WOL_DEFAULT_PORTS),
  secureOn: z
    .string()
    .regex(MAC_PATTERN, 'a SecureOn password of six hex pairs, e.g. 00:11:22:33:44:55')
    .transform((m) => m.toLowerCase().replaceAll('-', ':'))
    .optional(),
  /** Default with an address: ICMP echo (ping). */
  probe: z.union([z.strictObject({ tcp: port }), z.strictObject({ icmp: z.literal(true) })]).optional(),
  probeIntervalSeconds: z.number().int().min(5).max(3600).default(30),
  wakeTimeoutSeconds: z.number().int().min(5).max(900).default(120),
});

const tlsFiles = z.strictObject({ ca: z.string().optional(), cert: z.string(), key: z.string() });

export const DockerEngineSchema = z
  .strictObject({
    id,
    name: z.string().min(1).max(80).optional(),
    socket: z.string().min(1).optional(),
    url: z
      .string()
      .regex(/^(tcp|https?):\/\/.+/, 'a URL such as tcp://nas.lan:2376')
      .optional(),
    tls: tlsFiles.optional(),
    watch: z.array(z.string().min(1)).default([]),
    lifeline: z.array(z.string().min(1)).default([]),
  })
  .refine((e) => !(e.socket && e.url), { message: 'give either socket or url, not both' });

export const PLUG_DRIVERS = [
  'shelly-gen1',
  'shelly-gen2',
  'tasmota',
  'tasmota-mqtt',
  'kasa',
  'miio',
  'homeassistant',
  'zigbee2mqtt',
] as const;

export const PlugSchema = z.strictObject({
  id,
  name: z.string().min(1).max(80),
  driver: z.enum(PLUG_DRIVERS),
  address: address.optional(),
  channel: z.number().int().min(0).max(16).default(0),
  username: z.string().optional(),
  password: secret.optional(),
  token: secret.optional(),
  topic: z.string().min(1).optional(),
  entity: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  lifeline: z.boolean().default(false),
  powers: z.array(z.string().min(1)).default([]),
  cycleSeconds: z.number().int().min(5).max(3600).default(30),
});

const ddns = z.strictObject({
  provider: z.enum(['cloudflare', 'duckdns', 'rfc2136']),
  record: z.string().min(1).optional(),
  token: secret.optional(),
  tokenFile: z.string().optional(),
  zone: z.string().optional(),
  server: z.string().optional(),
  key: z.strictObject({ name: z.string(), algorithm: z.string().default('hmac-sha256'), secret }).optional(),
});

const clock = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'a range such as 23:00-07:00');

export const ConfigSchema = z.strictObject({
  home: z.strictObject({ name: z.string().min(1).max(80).default('Home') }).default({ name: 'Home' }),
  listen: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      tls: z.strictObject({ cert: z.string(), key: z.string() }).optional(),
    })
    .default({ host: '127.0.0.1', port: 8080 }),
  /** The address phones use to reach this home (printed in pairing links). Default: relay or listen address. */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  data: z.string().min(1).default('./data'),
  relay: z.strictObject({ url: z.url({ protocol: /^(wss?|https?)$/ }) }).optional(),
  hosts: z.array(HostSchema).default([]),
  docker: z.array(DockerEngineSchema).default([]),
  plugs: z.array(PlugSchema).default([]),
  net: z
    .strictObject({
      names: z.array(hostname).default([]),
      resolvers: z.array(z.string().min(1)).default(['system']),
      ddns: ddns.optional(),
    })
    .default({ names: [], resolvers: ['system'] }),
  notify: z
    .strictObject({
      quietHours: clock.optional(),
    })
    .default({}),
});

export type Config = z.output<typeof ConfigSchema>;
export type HostConfig = z.output<typeof HostSchema>;
export type DockerEngineConfig = z.output<typeof DockerEngineSchema>;
export type PlugConfig = z.output<typeof PlugSchema>;

/** Rules that span entries (unique ids); returned as [path, message] pairs. */
export function crossChecks(config: Config): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  for (const section of ['hosts', 'docker', 'plugs'] as const) {
    const seen = new Map<string, number>();
    config[section].forEach((entry, i) => {
      const first = seen.get(entry.id);
      if (first !== undefined)
        problems.push({
          path: [section, i, 'id'],
          message: `duplicate id "${entry.id}" (also ${section}[${first}])`,
        });
      else seen.set(entry.id, i);
    });
  }
  return problems;
}
