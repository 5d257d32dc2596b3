// The `passkeys:` section of lifeline.yaml: which actions need a fresh passkey check, the name
// passkeys are bound to, and whether terminals (ctl, which has no passkey) may still do them.
import * as v from 'valibot';

export const PASSKEY_SCOPES = ['lifeline-cycle', 'container-stop', 'devices'] as const;
export type PasskeyScope = (typeof PASSKEY_SCOPES)[number];

export const PasskeysSection = v.optional(
  v.strictObject({
    /** Actions that need a passkey: lifeline power-cycles, container stops, adding/removing devices. */
    require: v.optional(v.array(v.picklist(PASSKEY_SCOPES)), []),
    /** The name passkeys are bound to (the app's host name); by default the public URL's host. */
    rpId: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9.-]+$/i), v.maxLength(253))),
    /** `ctl` keeps its key file: `allow` lets it do these with the typed confirmation alone. */
    terminals: v.optional(v.picklist(['allow', 'refuse']), 'allow'),
  }),
  {},
);
export type PasskeysSettings = v.InferOutput<typeof PasskeysSection>;
