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
    /** Container names (or `project/service`) to notify about when they stop unexpectedly. */
    watch: z.array(z.string().min(1)).default([]),
    /** Containers the remote path depends on: stop refused, restart confirmed naming the cost (§4). */
    lifeline: z.array(z.string().min(1)).default([]),
    restartLoop: z
      .strictObject({
        restarts: z.number().int().min(2).max(100).default(3),
        minutes: z.number().positive().max(1440).default(5),
      })
      .default({ restarts: 3, minutes: 5 }),
    bootRace: z
      .strictObject({
        /** A death this soon after the host booted is a boot race (a mount or a network not ready yet). */
        minutes: z.number().positive().max(1440).default(10),
        /** Opt-in: retry watched containers that died at boot with a start error or exit 126/127/128. */
        recover: z.boolean().default(false),
        /** How long to keep retrying after the first failure. */
        windowMinutes: z.number().positive().max(1440).default(10),
      })
      .default({ minutes: 10, recover: false, windowMinutes: 10 }),
  })
  .refine((e) => !(e.socket && e.url), { message: 'either socket or url, not both' })
  .refine((e) => !e.tls || e.url, {
    message: 'tls files only with a url such as tcp://nas.lan:2376',
    path: ['tls'],
  });

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

// --- net: public address, DNS names, built-in DDNS (server/agent/net, docs/network.md) ---

/** `system`, `authoritative[:port]`, or a resolver address: `1.1.1.1`, `1.1.1.1:53`, `[2606:4700::1111]:53`. */
const resolverSpec = z
  .string()
  .regex(
    /^(system|authoritative(:\d{1,5})?|\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*|\[[0-9a-fA-F:.]+\]:\d{1,5})$/,
    'system, authoritative, or a resolver IP with an optional port (1.1.1.1, 127.0.0.1:5353, [::1]:53)',
  );

const echoEndpoint = z.union([
  z.url({ protocol: /^https?$/ }),
  z.strictObject({
    url: z.url({ protocol: /^https?$/ }),
    /** Ask over IPv4, IPv6 or both; the reply must be an address of that family. */
    family: z.enum(['ipv4', 'ipv6', 'both']).default('both'),
    /** PEM file of the CA that signs this endpoint's certificate (your own echo service). */
    ca: z.string().min(1).optional(),
  }),
]);

const routerSource = z.union([
  z.literal(false),
  z.literal('auto'),
  z.strictObject({
    /** UPnP-IGD: `auto` (SSDP discovery), the device description URL, or false. */
    upnp: z.union([z.literal('auto'), z.literal(false), z.url({ protocol: /^https?$/ })]).default('auto'),
    /** NAT-PMP: `auto` (the default gateway), the gateway's address, or false. */
    natpmp: z
      .union([z.literal('auto'), z.literal(false), z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/)])
      .default('auto'),
  }),
]);

export const DdnsSchema = z
  .strictObject({
    provider: z.enum(['cloudflare', 'duckdns', 'rfc2136']),
    /** The name to keep pointed at home; default: the name it is given on, else the first of net.names. */
    record: hostname.optional(),
    /** API token (Cloudflare, DuckDNS): write it as ${ENV_VAR}, or use tokenFile. */
    token: secret.optional(),
    tokenFile: z.string().min(1).optional(),
    /** Cloudflare: zone name (default: the record's last two labels); RFC 2136: the zone to update. */
    zone: hostname.optional(),
    /** RFC 2136: the primary server, host[:port]. */
    server: address.optional(),
    /** RFC 2136: the TSIG key. */
    key: z
      .strictObject({
        name: z.string().min(1),
        algorithm: z
          .enum(['hmac-sha256', 'hmac-sha512', 'hmac-sha384', 'hmac-sha224', 'hmac-sha1', 'hmac-md5'])
          .default('hmac-sha256'),
        secret: secret.optional(),
        secretFile: z.string().min(1).optional(),
      })
      .refine((k) => Boolean(k.secret) !== Boolean(k.secretFile), {
        message: 'give either secret or secretFile',
      })
      .optional(),
    /** Which records to keep: A (ipv4), AAAA (ipv6), or both. */
    ipVersion: z.enum(['ipv4', 'ipv6', 'both']).default('ipv4'),
    ttl: z.number().int().min(30).max(86400).default(60),
    /** Another API base (a proxy; tests use a simulator). Plain http only on loopback. */
    apiUrl: z.url({ protocol: /^https?$/ }).optional(),
  })
  .superRefine((d, ctx) => {
    const need = (key: string, why: string) => ctx.addIssue({ code: 'custom', path: [key], message: why });
    if (d.provider === 'rfc2136') {
      if (!d.server)
        need('server', 'rfc2136 needs the primary server, e.g. ns1.example.com or 192.0.2.53:53');
      if (!d.key) need('key', 'rfc2136 needs a TSIG key: { name, algorithm, secret | secretFile }');
      if (d.token || d.tokenFile) need('token', 'rfc2136 authenticates with key, not token');
    } else {
      if (!d.token === !d.tokenFile) need('token', `${d.provider} needs either token or tokenFile`);
      if (d.key || d.server) need(d.key ? 'key' : 'server', `${d.provider} takes a token, not key/server`);
    }
    if (d.apiUrl) {
      const u = new URL(d.apiUrl);
      if (u.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))
        need('apiUrl', 'plain http would send the token in clear; use https (http only on loopback)');
    }
  });

export const NetSchema = z.strictObject({
  /** DNS names that must point at home; an entry may carry its own DDNS updater. */
  names: z
    .array(z.union([hostname, z.strictObject({ name: hostname, ddns: DdnsSchema.optional() })]))
    .default([]),
  resolvers: z.array(resolverSpec).min(1).default(['system']),
  publicIp: z
    .strictObject({
      /** HTTP(S) endpoints that answer with the caller's address as text. Default: public services. */
      echo: z.array(echoEndpoint).optional(),
      router: routerSource.default('auto'),
      /** Count the relay's view of this agent's connection as a source. */
      relay: z.boolean().default(true),
      intervalSeconds: z.number().int().min(1).max(3600).optional(),
    })
    .optional(),
  /** How often names are resolved (default 60). */
  checkIntervalSeconds: z.number().int().min(1).max(3600).optional(),
  /** A mismatch that outlives the longest TTL plus this becomes a `network.dns-stale` event (default 300). */
  staleGraceSeconds: z.number().int().min(0).max(86400).optional(),
  /** Built-in DDNS for one record (SPEC §3 form); more records: `ddns` on entries of `names`. */
  ddns: DdnsSchema.optional(),
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
  net: NetSchema.default({ names: [], resolvers: ['system'] }),
  /** Who may read /metrics besides loopback: addresses or CIDRs (e.g. your Prometheus host). */
  metrics: z.strictObject({ allow: z.array(z.string().min(1)).default([]) }).default({ allow: [] }),
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
export type NetConfig = z.output<typeof NetSchema>;
export type DdnsConfig = z.output<typeof DdnsSchema>;

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
