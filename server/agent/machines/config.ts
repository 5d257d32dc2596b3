// The `machines:` section of lifeline.yaml (`hosts:` is its earlier name): machines to wake.
import * as v from 'valibot';
import { hostname, id, ipv4, MAC_PATTERN, mac, port } from '../../config/fields.js';

/** A MAC a network card can have: not a multicast/broadcast group (odd first byte), not all zeros. */
const cardMac = v.pipe(
  mac,
  v.check(
    (m) => (Number.parseInt(m.slice(0, 2), 16) & 1) === 0,
    "a network card's MAC, not a multicast or broadcast address (its first byte is odd)",
  ),
  v.check((m) => m !== '00:00:00:00:00:00', "a network card's MAC, not 00:00:00:00:00:00"),
);

const ipv4Address = v.pipe(
  ipv4,
  v.check((a) => a.split('.').every((o) => Number(o) <= 255), 'an IPv4 address with each part from 0 to 255'),
);

export const WOL_DEFAULT_PORTS = [9, 7];

export const MachineSchema = v.strictObject({
  id,
  name: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(80))),
  mac: cardMac,
  /** Where the machine answers once awake: for wake verification, presence and the ARP cross-check. */
  address: v.optional(hostname),
  /** Default: every IPv4 interface's directed broadcast. */
  broadcast: v.optional(ipv4Address),
  /** UDP ports the magic packet goes to. */
  ports: v.optional(v.pipe(v.array(port), v.minLength(1), v.maxLength(4)), WOL_DEFAULT_PORTS),
  secureOn: v.optional(
    v.pipe(
      v.string(),
      v.regex(MAC_PATTERN, 'a SecureOn password of six hex pairs, e.g. 00:11:22:33:44:55'),
      v.transform((m) => m.toLowerCase().replaceAll('-', ':')),
    ),
  ),
  /** Default with an address: ICMP echo (ping). */
  probe: v.optional(
    v.union(
      [v.strictObject({ tcp: port }), v.strictObject({ icmp: v.literal(true) })],
      '{ tcp: <port> } or { icmp: true }',
    ),
  ),
  probeIntervalSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(5), v.maxValue(3600)), 30),
  wakeTimeoutSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(5), v.maxValue(900)), 120),
});
export type MachineConfig = v.InferOutput<typeof MachineSchema>;

export const MachinesSection = v.optional(v.array(MachineSchema), []);
