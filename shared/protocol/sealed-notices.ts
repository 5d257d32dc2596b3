// Sealed notices: what the relay may say when it sees home go dark or come back. The agent writes
// them ahead of time per subscription — signed, numbered, RFC 8291-encrypted — and the relay only
// picks the next one of a kind and adds VAPID. It holds no subscription key to write its own.
import * as v from 'valibot';

export const SEALED_KINDS = [
  'home.offline',
  'home.back',
  'lifeline.cycle-back',
  'lifeline.cycle-lost',
  'lifeline.cycle-kept',
] as const;
export type SealedKind = (typeof SEALED_KINDS)[number];

/** How many of each kind the relay holds per subscription (home is down, then back, then down). */
export const SEALED_PER_KIND = 2;

/** Replaces the relay's sealed notices of one kind for one subscription. */
export const LinkSealed = v.object({
  t: v.literal('sealed'),
  sub: v.pipe(v.string(), v.maxLength(64)),
  kind: v.picklist(SEALED_KINDS),
  bodies: v.pipe(
    v.array(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]*$/), v.maxLength(6000))),
    v.maxLength(SEALED_PER_KIND),
  ),
});
export type LinkSealed = v.InferOutput<typeof LinkSealed>;
