// Passkeys: a device enrols one (WebAuthn, user verification required); the owner may require a
// fresh check for lifeline power-cycles, container stops and adding or removing devices. The check
// signs the guard's own one-time challenge, so an assertion made for one request cannot confirm
// another, and a stolen unlocked phone or a script in the page cannot complete it without the
// owner's finger or PIN. The credentials (public keys, counters) live in the kv table.
import type { WebAuthnCredential } from '@simplewebauthn/server';
import { fromBase64Url, randomBytes, toBase64Url, utf8 } from '../../../shared/bytes.js';
import { english, fail, msg, refOf } from '../../../shared/messages/say.js';
import type { ErrorInfo } from '../../../shared/protocol/errors.js';
import type { Text } from '../../../shared/protocol/message.js';
import {
  type PasskeyRequest,
  PasskeysEnrol,
  PasskeysOptions,
  PasskeysRemove,
} from '../../../shared/protocol/passkeys.js';
import type { DevicesRepo } from '../../store/devices-repo.js';
import { type Classification, defineAction, type Requester } from '../actions.js';
import type { AgentContext, Capability } from '../capability.js';
import type { PasskeyScope } from './config.js';

const OPTIONS_TTL_MS = 5 * 60_000;
const KEY = 'passkeys.credentials';

interface Stored {
  id: string;
  deviceId: string;
  publicKey: string;
  counter: number;
  createdAt: number;
  lastUsedAt: number | null;
}

type Confirming = Extract<Classification, { decision: 'confirm' }>;

/** What the guard asks of the passkeys part for a request that needs a confirmation. */
export interface PasskeyGate {
  /** null: no passkey needed; a request to pass to the device; or why it cannot be done at all. */
  need(action: string, c: Confirming, device: Requester): PasskeyRequest | ErrorInfo | null;
  /** Checks an assertion over the guard's challenge; undefined when it holds. */
  verify(deviceId: string, challenge: string, response: unknown): Promise<ErrorInfo | undefined>;
}

/** Which of the owner's choices an action falls under (the guard's own classification decides). */
export function scopeOf(action: string, c: Confirming): PasskeyScope | null {
  if (action === 'devices.pair' || action === 'devices.revoke') return 'devices';
  if (action === 'containers.stop') return 'container-stop';
  // A lifeline power-cycle is the one cycle that asks for the plug's name typed (power/policy.ts).
  if (action === 'power.cycle' && c.typeToConfirm !== undefined) return 'lifeline-cycle';
  return null;
}

function said(code: ErrorInfo['code'], text: Text): ErrorInfo {
  const ref = refOf(text);
  return { code, message: english(text), ...(ref ? { msg: ref } : {}) };
}

/** The origin the browser signed, if it belongs to the RP ID (https, or http on localhost). */
function originFor(response: { response?: { clientDataJSON?: unknown } }, rpId: string): string | null {
  try {
    const raw = response.response?.clientDataJSON;
    if (typeof raw !== 'string') return null;
    const origin = (JSON.parse(new TextDecoder().decode(fromBase64Url(raw))) as { origin?: unknown }).origin;
    if (typeof origin !== 'string') return null;
    const url = new URL(origin);
    const secure = url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === 'localhost');
    return secure && url.hostname === rpId && url.origin === origin ? origin : null;
  } catch {
    return null;
  }
}

const reasonOf = (err: unknown) => (err instanceof Error ? err.message : String(err)).slice(0, 200);

export function createPasskeys(
  ctx: AgentContext,
  deps: { devices: DevicesRepo; publicUrl: () => string },
): Capability & { gate: PasskeyGate } {
  const settings = ctx.config.passkeys;
  const pending = new Map<string, { challenge: string; expiresAt: number }>();
  const all = () => ctx.kv.get<Stored[]>(KEY) ?? [];
  const save = (list: Stored[]) => {
    ctx.kv.set(KEY, list);
    publish(list);
  };
  const publish = (list = all()) => {
    const ids = new Set(list.map((c) => c.id));
    for (const c of list)
      ctx.state.set('passkeys', c.id, {
        deviceId: c.deviceId,
        createdAt: c.createdAt,
        lastUsedAt: c.lastUsedAt,
      });
    for (const e of ctx.state.list('passkeys')) if (!ids.has(e.id)) ctx.state.remove('passkeys', e.id);
  };
  const rpId = (): string | null => {
    if (settings.rpId) return settings.rpId.toLowerCase();
    const host = new URL(deps.publicUrl()).hostname;
    return /^[\d.]+$|:/.test(host) ? null : host;
  };
  const server = () => import('@simplewebauthn/server');
  let unsubscribe: (() => void) | undefined;

  const options = defineAction(PasskeysOptions, {
    classify: () => ({ decision: 'allow' }),
    async run({ device }) {
      const rp = rpId();
      if (!rp) throw fail('unsupported', msg('passkeys.no-name'));
      const opts = await (await server()).generateRegistrationOptions({
        rpName: `Lifeline: ${ctx.config.home.name}`,
        rpID: rp,
        userName: device.name,
        userID: new Uint8Array(utf8(device.id)),
        challenge: new Uint8Array(randomBytes(32)),
        attestationType: 'none',
        excludeCredentials: all()
          .filter((c) => c.deviceId === device.id)
          .map((c) => ({ id: c.id })),
        authenticatorSelection: { residentKey: 'preferred', userVerification: 'required' },
      });
      pending.set(device.id, { challenge: opts.challenge, expiresAt: ctx.clock.now() + OPTIONS_TTL_MS });
      return { options: opts as unknown as Record<string, unknown> };
    },
  });

  const enrol = defineAction(PasskeysEnrol, {
    classify: () => ({ decision: 'allow' }),
    async run({ device, args }) {
      const rp = rpId();
      if (!rp) throw fail('unsupported', msg('passkeys.no-name'));
      const asked = pending.get(device.id);
      pending.delete(device.id);
      if (!asked || asked.expiresAt < ctx.clock.now()) throw fail('refused', msg('passkeys.no-options'));
      const origin = originFor(args.response, rp);
      if (!origin) throw fail('refused', msg('passkeys.enrol-failed', { reason: 'wrong origin' }));
      let verified: Awaited<ReturnType<Awaited<ReturnType<typeof server>>['verifyRegistrationResponse']>>;
      try {
        verified = await (await server()).verifyRegistrationResponse({
          // biome-ignore lint/suspicious/noExplicitAny: checked by the library itself
          response: args.response as any,
          expectedChallenge: asked.challenge,
          expectedOrigin: origin,
          expectedRPID: rp,
          requireUserVerification: true,
        });
      } catch (err) {
        throw fail('refused', msg('passkeys.enrol-failed', { reason: reasonOf(err) }));
      }
      if (!verified.verified) throw fail('refused', msg('passkeys.enrol-failed', { reason: 'not verified' }));
      const { credential } = verified.registrationInfo;
      const now = ctx.clock.now();
      save([
        ...all().filter((c) => c.id !== credential.id),
        {
          id: credential.id,
          deviceId: device.id,
          publicKey: toBase64Url(credential.publicKey),
          counter: credential.counter,
          createdAt: now,
          lastUsedAt: null,
        },
      ]);
      ctx.events.append({
        kind: 'passkeys.enrolled',
        severity: 'info',
        subject: device.id,
        message: msg('passkeys.enrolled', { device: device.name }),
        data: { device: device.id },
      });
      return { id: credential.id };
    },
  });

  const remove = defineAction(PasskeysRemove, {
    // Only one's own: another device's passkey goes when that device is revoked.
    classify: ({ target, device }) =>
      all().some((c) => c.id === target && c.deviceId === device.id)
        ? { decision: 'allow' }
        : { decision: 'refuse', code: 'not-found', message: `no passkey ${target} of this device` },
    async run({ target }) {
      save(all().filter((c) => c.id !== target));
      return undefined;
    },
  });

  const gate: PasskeyGate = {
    need(action, c, device) {
      const scope = scopeOf(action, c);
      if (!scope || !settings.require.includes(scope)) return null;
      const d = deps.devices.get(device.id);
      if (d?.client === 'ctl')
        return settings.terminals === 'allow' ? null : said('refused', msg('passkeys.terminal-refused'));
      const rp = rpId();
      const mine = all().filter((k) => k.deviceId === device.id);
      if (!rp || mine.length === 0) return said('refused', msg('passkeys.none'));
      return { rpId: rp, allow: mine.map((k) => k.id) };
    },
    async verify(deviceId, challenge, response) {
      const rp = rpId();
      const r = response as { id?: unknown } | undefined;
      if (!r || !rp) return said('refused', msg('passkeys.missing'));
      const stored = all().find((k) => k.id === r.id && k.deviceId === deviceId);
      if (!stored)
        return said('refused', msg('passkeys.invalid', { reason: 'not a passkey of this device' }));
      const origin = originFor(r as { response?: { clientDataJSON?: unknown } }, rp);
      if (!origin) return said('refused', msg('passkeys.invalid', { reason: 'wrong origin' }));
      const credential: WebAuthnCredential = {
        id: stored.id,
        publicKey: fromBase64Url(stored.publicKey) as WebAuthnCredential['publicKey'],
        counter: stored.counter,
      };
      try {
        const result = await (await server()).verifyAuthenticationResponse({
          // biome-ignore lint/suspicious/noExplicitAny: checked by the library itself
          response: r as any,
          expectedChallenge: challenge,
          expectedOrigin: origin,
          expectedRPID: rp,
          credential,
          requireUserVerification: true,
        });
        if (!result.verified) return said('refused', msg('passkeys.invalid', { reason: 'not verified' }));
        save(
          all().map((k) =>
            k.id === stored.id
              ? { ...k, counter: result.authenticationInfo.newCounter, lastUsedAt: ctx.clock.now() }
              : k,
          ),
        );
        return undefined;
      } catch (err) {
        return said('refused', msg('passkeys.invalid', { reason: reasonOf(err) }));
      }
    },
  };

  return {
    name: 'passkeys',
    actions: [options, enrol, remove],
    start() {
      // A revoked device's passkeys go with it.
      const active = new Set(deps.devices.listActive().map((d) => d.id));
      const list = all();
      const kept = list.filter((c) => active.has(c.deviceId));
      if (kept.length !== list.length) ctx.kv.set(KEY, kept);
      publish(kept);
      unsubscribe = ctx.events.subscribe((e) => {
        const gone = e.kind === 'devices.revoked' ? e.data?.device : undefined;
        if (typeof gone === 'string' && all().some((c) => c.deviceId === gone))
          save(all().filter((c) => c.deviceId !== gone));
      });
    },
    stop() {
      unsubscribe?.();
    },
    gate,
  };
}
