// Settings of a relay, stand-alone (relay.yaml) or embedded under `lifeline start` (`relayServer:`).
import { z } from 'zod';

const homeId = z.string().regex(/^[a-z2-7]{26}$/, 'a home id (26 characters, printed by `lifeline start`)');

/** Settings shared by the stand-alone and the embedded relay. */
export const RelaySettingsSchema = z.strictObject({
  /** Home ids this relay serves; agents of any other home are refused. */
  homes: z.array(homeId).default([]),
  /** Proxies whose X-Forwarded-For is believed (addresses or CIDRs); nobody else's. */
  trustProxy: z.array(z.string().min(1)).default([]),
  /** VAPID subject: a mailto: or https: contact the push services can reach. */
  vapidSubject: z
    .string()
    .regex(/^(mailto:|https:\/\/)/, 'a mailto: or https:// contact')
    .default('mailto:lifeline@localhost'),
  offline: z
    .strictObject({
      /** A home with no heartbeat for this long is offline. */
      afterSeconds: z.number().int().min(5).max(300).default(25),
      /** Push "home offline" only if it stays offline this long (rides out relay or agent restarts). */
      graceSeconds: z.number().int().min(0).max(3600).default(60),
      /** Allowance for the host to boot after a lifeline power-cycle. */
      bootSeconds: z.number().int().min(10).max(3600).default(180),
    })
    .default({ afterSeconds: 25, graceSeconds: 60, bootSeconds: 180 }),
  /** Who may read /metrics besides loopback: addresses or CIDRs. */
  metrics: z.strictObject({ allow: z.array(z.string().min(1)).default([]) }).default({ allow: [] }),
  limits: z
    .strictObject({
      connectsPerMinute: z.number().int().min(1).max(10_000).default(60),
      sessionsPerHome: z.number().int().min(1).max(10_000).default(64),
    })
    .default({ connectsPerMinute: 60, sessionsPerHome: 64 }),
});
export type RelaySettings = z.output<typeof RelaySettingsSchema>;
