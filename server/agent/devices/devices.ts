// Paired devices: the device list in the state model, adding a device from a paired phone,
// renaming, and revocation that ends the device's open sessions at once.

import { msg } from '../../../shared/messages/say.js';
import {
  type DeviceInfo,
  DevicesPair,
  DevicesRename,
  DevicesRevoke,
} from '../../../shared/protocol/devices.js';
import { LifelineError } from '../../../shared/protocol/errors.js';
import { standbyBaseUrl } from '../../config/public-url.js';
import type { DevicesRepo } from '../../store/devices-repo.js';
import { defineAction } from '../actions.js';
import type { AgentContext, Capability } from '../capability.js';
import type { Guard } from '../guard.js';
import type { PairingService } from '../pairing.js';

export interface SessionControl {
  sessionsOf(deviceId: string): number;
  closeDevice(deviceId: string, code: string, message: string): void;
}

export interface DevicesDeps {
  repo: DevicesRepo;
  pairing: PairingService;
  sessions: () => SessionControl;
  guard: () => Guard;
  publicUrl: string;
}

/**
 * A device's presence (its open sessions, when it was last seen) changes with every session that
 * opens or closes, and every change is sent, sealed, to every open session: published at once, a
 * burst of N connections would cost N² encryptions. Presence is published at most once per device
 * per this interval instead; pairing, renaming and revocation are published at once.
 */
export const PRESENCE_COALESCE_MS = 1000;

export function createDevicesCapability(ctx: AgentContext, deps: DevicesDeps) {
  const publish = (id: string) => {
    const d = deps.repo.get(id);
    if (!d || d.revokedAt !== null) {
      ctx.state.remove('devices', id);
      return;
    }
    const info: DeviceInfo = {
      name: d.name,
      client: d.client,
      pairedAt: d.pairedAt,
      lastSeenAt: d.lastSeenAt,
      sessions: deps.sessions().sessionsOf(id),
    };
    ctx.state.set('devices', id, info);
  };

  const changed = new Set<string>();
  let flush: ReturnType<typeof setTimeout> | null = null;
  /** A session of this device opened or closed: published with the others changed meanwhile. */
  const presence = (id: string) => {
    // A device just paired is news at once; only the comings and goings of known ones wait.
    if (!ctx.state.get('devices', id)) return publish(id);
    changed.add(id);
    flush ??= setTimeout(() => {
      flush = null;
      const ids = [...changed];
      changed.clear();
      for (const d of ids) publish(d);
    }, PRESENCE_COALESCE_MS);
    flush.unref?.();
  };

  const existing = (id: string | undefined) => {
    const d = id ? deps.repo.get(id) : undefined;
    if (!d || d.revokedAt !== null)
      throw new LifelineError('not-found', `no paired device ${id ?? ''}`.trim());
    return d;
  };

  const rename = defineAction(DevicesRename, {
    classify: () => ({ decision: 'allow' }),
    async run({ target, args }) {
      existing(target);
      deps.repo.rename(target!, args.name);
      publish(target!);
      return { id: target!, name: args.name };
    },
  });

  const revoke = defineAction(DevicesRevoke, {
    classify({ target, device }) {
      const d = deps.repo.get(target ?? '');
      if (!d || d.revokedAt !== null)
        return { decision: 'refuse', code: 'not-found', message: `no paired device ${target}` };
      // Typed, so a stray tap or a script that found an unlocked phone cannot remove a device,
      // and every other device hears of it (SPEC §5).
      return {
        decision: 'confirm',
        title: msg('devices.confirm.revoke', { name: d.name }),
        consequences: [
          target === device.id
            ? msg('devices.consequence.signedOutSelf')
            : msg('devices.consequence.signedOut', { name: d.name }),
          msg('devices.consequence.othersTold'),
        ],
        typeToConfirm: d.name,
      };
    },
    async run({ target, device }) {
      const d = existing(target);
      deps.repo.revoke(d.id, ctx.clock.now());
      ctx.events.append({
        kind: 'devices.revoked',
        severity: 'info',
        subject: d.id,
        message:
          d.id === device.id
            ? msg('devices.revoked.self', { name: d.name })
            : msg('devices.revoked.by', { name: d.name, by: device.name }),
        data: { device: d.id, name: d.name, by: device.id, byName: device.name },
      });
      deps.guard().forgetDevice(d.id);
      // Reply first when a device revokes itself; its session closes right after.
      setImmediate(() => deps.sessions().closeDevice(d.id, 'revoked', 'this device was revoked'));
      ctx.state.remove('devices', d.id);
      return { id: d.id };
    },
  });

  const pairCreate = defineAction(DevicesPair, {
    classify: () => ({
      decision: 'confirm',
      title: msg('devices.confirm.pair'),
      consequences: [msg('devices.consequence.fullControl'), msg('devices.consequence.othersToldOnUse')],
      typeToConfirm: ctx.config.home.name,
    }),
    async run({ device }) {
      return deps.pairing.link(deps.publicUrl, ctx.homeId, device.id, standbyBaseUrl(ctx.config));
    },
  });

  const capability: Capability & { publish: typeof publish; presence: typeof presence } = {
    name: 'devices',
    actions: [rename, revoke, pairCreate],
    start() {
      for (const d of deps.repo.listActive()) publish(d.id);
    },
    stop() {
      if (flush) clearTimeout(flush);
      flush = null;
    },
    publish,
    presence,
  };
  return capability;
}
