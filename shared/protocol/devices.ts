// Paired devices (kind `devices`, id = the device id) and the actions that add, rename and revoke them.
import * as v from 'valibot';
import { action, NoArgs } from './action.js';

export const DeviceInfo = v.object({
  name: v.string(),
  client: v.picklist(['pwa', 'ctl']),
  pairedAt: v.number(),
  lastSeenAt: v.nullable(v.number()),
  sessions: v.number(),
});
export type DeviceInfo = v.InferOutput<typeof DeviceInfo>;

export const DEVICES_ENTITIES = { devices: DeviceInfo };

export const DevicesRename = action({
  name: 'devices.rename',
  target: 'required',
  args: v.strictObject({ name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60)) }),
  result: v.object({ id: v.string(), name: v.string() }),
  aliases: ['device.rename'],
});
export const DevicesRevoke = action({
  name: 'devices.revoke',
  target: 'required',
  args: NoArgs,
  result: v.object({ id: v.string() }),
  aliases: ['device.revoke'],
});
/** A one-time pairing link for another device (valid 10 minutes, single use). */
export const DevicesPair = action({
  name: 'devices.pair',
  target: 'none',
  args: NoArgs,
  result: v.object({ link: v.string(), expiresAt: v.number() }),
  aliases: ['pair.create'],
});
export const DEVICES_ACTIONS = [DevicesRename, DevicesRevoke, DevicesPair];
