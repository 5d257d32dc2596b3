// Wire shapes of the session handshake. Plaintext frames are JSON text; everything after the
// agent's hello is an encrypted binary frame.
import * as v from 'valibot';

export const PROTOCOL_VERSION = 1;

const b64u = (max: number) => v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]+$/), v.maxLength(max));

export const ClientHello = v.object({
  t: v.literal('hello'),
  v: v.number(),
  home: v.pipe(v.string(), v.regex(/^[a-z2-7]{26}$/)),
  eph: b64u(100),
  nonce: b64u(40),
  /**
   * A paired device's admission pass (see `admissionPass`): lets the agent tell it from a stranger
   * on the same address before the key exchange, so strangers cannot use up its connection budget.
   * Optional: a device paired before passes existed, or pairing, sends none; an agent without
   * passes ignores it.
   */
  pass: v.optional(b64u(32)),
});
export type ClientHello = v.InferOutput<typeof ClientHello>;

export const AgentHello = v.object({
  t: v.literal('hello'),
  v: v.number(),
  eph: b64u(100),
  key: b64u(100),
  sig: b64u(100),
});
export type AgentHello = v.InferOutput<typeof AgentHello>;

/** A refusal sent in clear before keys exist (wrong home, bad hello). Never trusted for anything but display. */
export const PlainError = v.object({
  t: v.literal('error'),
  code: v.pipe(v.string(), v.maxLength(64)),
  message: v.pipe(v.string(), v.maxLength(500)),
});
export type PlainError = v.InferOutput<typeof PlainError>;

export const ClientAuth = v.object({
  t: v.literal('auth'),
  key: b64u(100),
  sig: b64u(100),
  client: v.object({ kind: v.picklist(['pwa', 'ctl']), version: v.pipe(v.string(), v.maxLength(40)) }),
  pair: v.optional(
    v.object({
      code: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
      name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60)),
    }),
  ),
});
export type ClientAuth = v.InferOutput<typeof ClientAuth>;
