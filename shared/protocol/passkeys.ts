// Passkeys (WebAuthn, user verification required): a device enrols one, and the owner may require a
// fresh passkey check, bound to the guard's one-time challenge, for lifeline power-cycles, container
// stops and adding or removing devices — so a stolen unlocked phone or an injected script cannot
// complete them. Entity kind `passkeys` (id = the credential id).
import * as v from 'valibot';
import { action, NoArgs } from './action.js';

export const PasskeyInfo = v.object({
  deviceId: v.string(),
  createdAt: v.number(),
  lastUsedAt: v.nullable(v.number()),
});
export type PasskeyInfo = v.InferOutput<typeof PasskeyInfo>;

export const PASSKEYS_ENTITIES = { passkeys: PasskeyInfo };

/** What a confirmation needs besides the user's yes: a passkey assertion over its challenge. */
export const PasskeyRequest = v.object({
  rpId: v.pipe(v.string(), v.maxLength(253)),
  /** Credential ids (base64url) this device enrolled. */
  allow: v.pipe(v.array(v.pipe(v.string(), v.maxLength(1400))), v.maxLength(20)),
});
export type PasskeyRequest = v.InferOutput<typeof PasskeyRequest>;

/** A WebAuthn response as JSON (the browser's PublicKeyCredential.toJSON()); checked by the agent. */
export const WebAuthnJson = v.pipe(
  v.record(v.string(), v.unknown()),
  v.check((r) => JSON.stringify(r).length < 16_000),
);

/** Options for navigator.credentials.create(), bound to a fresh challenge of this device. */
export const PasskeysOptions = action({
  name: 'passkeys.options',
  target: 'none',
  args: NoArgs,
  result: v.object({ options: v.record(v.string(), v.unknown()) }),
});
/** The authenticator's answer to those options: the agent verifies it and keeps the public key. */
export const PasskeysEnrol = action({
  name: 'passkeys.enrol',
  target: 'none',
  args: v.strictObject({ response: WebAuthnJson }),
  result: v.object({ id: v.string() }),
  secretArgs: ['response'],
});
export const PasskeysRemove = action({
  name: 'passkeys.remove',
  target: 'required',
  args: NoArgs,
});
export const PASSKEYS_ACTIONS = [PasskeysOptions, PasskeysEnrol, PasskeysRemove];
