// The one schema of lifeline.yaml (SPEC §3). The JSON Schema for editors is generated from it
// (scripts/emit-config-schema.mjs → docs/lifeline.schema.json), so the two never drift.
import { z } from 'zod';
import { RelaySettingsSchema } from './relay-settings.js';

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

export const HostSchema = z.strictObject({
  id,
  name: z.string().min(1).max(80).optional(),
  mac,
  address: hostname.optional(),
  broadcast: ipv4.optional(),
  secureOn: z
    .string()
    .regex(MAC_PATTERN, 'a SecureOn password of six hex pairs, e.g. 00:11:22:33:44:55')
    .optional(),
  probe: z.union([z.strictObject({ tcp: port }), z.strictObject({ icmp: z.literal(true) })]).optional(),
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

/** Which plug keys each driver reads; any other driver-specific key is a mistake worth naming. */
export const PLUG_DRIVER_KEYS: Record<(typeof PLUG_DRIVERS)[number], readonly string[]> = {
  'shelly-gen1': ['address', 'channel', 'username', 'password'],
  'shelly-gen2': ['address', 'channel', 'username', 'password'],
  tasmota: ['address', 'channel', 'username', 'password'],
  'tasmota-mqtt': ['address', 'channel', 'username', 'password', 'topic'],
  kasa: ['address', 'channel'],
  miio: ['address', 'token', 'model'],
  homeassistant: ['address', 'token', 'entity', 'powerEntity'],
  zigbee2mqtt: ['address', 'username', 'password', 'topic', 'baseTopic'],
};
const DRIVER_SPECIFIC = [
  'channel',
  'username',
  'password',
  'token',
  'topic',
  'baseTopic',
  'entity',
  'powerEntity',
  'model',
];

export const PlugSchema = z
  .strictObject({
    id,
    name: z.string().min(1).max(80),
    driver: z.enum(PLUG_DRIVERS),
    /** The device (host or host:port); for MQTT drivers the broker; for Home Assistant its URL. */
    address: address.optional(),
    channel: z.number().int().min(0).max(16).optional(),
    username: z.string().min(1).optional(),
    password: secret.optional(),
    token: secret.optional(),
    topic: z.string().min(1).max(200).optional(),
    baseTopic: z.string().min(1).max(200).optional(),
    entity: z.string().min(1).optional(),
    powerEntity: z.string().min(1).optional(),
    model: z.string().min(1).optional(),
    lifeline: z.boolean().default(false),
    powers: z.array(z.string().min(1)).default([]),
    cycleSeconds: z.number().int().min(5).max(3600).default(30),
    /** After power returns, how long until the agent is reachable again (router, host and agent boot). */
    bootSeconds: z.number().int().min(0).max(1800).default(120),
    pollSeconds: z.number().min(1).max(3600).default(10),
    timeoutSeconds: z.number().min(0.5).max(60).default(5),
  })
  .superRefine((p, ctx) => {
    const used = PLUG_DRIVER_KEYS[p.driver];
    for (const key of DRIVER_SPECIFIC)
      if (p[key as keyof typeof p] !== undefined && !used.includes(key))
        ctx.addIssue({ code: 'custom', path: [key], message: `not used by driver ${p.driver}` });
    const need = (key: keyof typeof p, why: string) => {
      if (p[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `missing; ${why}` });
    };
    need(
      'address',
      p.driver.endsWith('mqtt')
        ? 'the MQTT broker, e.g. 192.168.1.10:1883'
        : p.driver === 'homeassistant'
          ? "Home Assistant's URL, e.g. http://192.168.1.5:8123"
          : "the plug's host or host:port",
    );
    if (p.driver === 'tasmota-mqtt') need('topic', "the device's MQTT topic, e.g. tasmota_8A2B3C");
    if (p.driver === 'zigbee2mqtt') need('topic', "the device's friendly name in Zigbee2MQTT");
    if (p.driver === 'homeassistant') {
      need('token', 'a long-lived access token (Profile → Security)');
      need('entity', 'the entity id, e.g. switch.cabinet');
      for (const key of ['entity', 'powerEntity'] as const)
        if (p[key] !== undefined && !/^[a-z_]+\.[a-z0-9_]+$/.test(p[key]))
          ctx.addIssue({ code: 'custom', path: [key], message: 'an entity id such as switch.cabinet' });
    }
    if (p.driver === 'miio') {
      need('token', 'the 32-hex-digit device token');
      if (p.token !== undefined && !/^[0-9a-fA-F]{32}$/.test(p.token))
        ctx.addIssue({ code: 'custom', path: ['token'], message: 'a token of 32 hex digits' });
    }
    if (p.driver === 'shelly-gen2' && p.username !== undefined && p.username !== 'admin')
      ctx.addIssue({
        code: 'custom',
        path: ['username'],
        message: 'Shelly Gen2 devices always use the user "admin"',
      });
    if (p.driver === 'shelly-gen1' && (p.username === undefined) !== (p.password === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['password'],
        message: 'give both username and password, or neither',
      });
    if (p.lifeline && p.powers.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['powers'],
        message: 'a lifeline plug needs powers: [...] (what goes down with it; shown in every confirmation)',
      });
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

export const CHANNEL_TYPES = ['ntfy', 'bark', 'telegram', 'feishu', 'dingtalk', 'wecom', 'webhook'] as const;

const ChannelSchema = z.strictObject({
  id,
  type: z.enum(CHANNEL_TYPES),
  /** ntfy topic URL, Bark server URL with device key, bot/webhook URL. */
  url: z.url({ protocol: /^https?$/ }),
  /** Bearer/access token (ntfy), bot token (Telegram). */
  token: secret.optional(),
  /** Telegram chat id. */
  chat: z.string().min(1).optional(),
  /** Signing secret (Feishu, DingTalk). */
  secret: secret.optional(),
});
export type ChannelSettings = z.output<typeof ChannelSchema>;

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
  relay: z
    .strictObject({
      url: z.url({ protocol: /^(wss?|https?)$/ }),
      /** How often the agent tells the relay it is alive. */
      heartbeatSeconds: z.number().int().min(2).max(60).default(10),
    })
    .optional(),
  /** Settings of the relay embedded by `lifeline start` (ignored by `lifeline agent`). */
  relayServer: RelaySettingsSchema.optional(),
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
      /** Where notices also go when Web Push does not reach a phone. */
      channels: z.array(ChannelSchema).default([]),
    })
    .default({ channels: [] }),
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
