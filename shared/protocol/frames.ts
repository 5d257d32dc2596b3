// Every frame inside a session: discriminated unions on `t`, validated on both ends.
// New capabilities add actions and entity kinds, not new frame shapes (STYLE convention 16).
import * as v from 'valibot';
import { ERROR_CODES } from './errors.js';
import { describeIssues } from './issues.js';
import { MessageRef } from './message.js';
import { PasskeyRequest, WebAuthnJson } from './passkeys.js';

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
const name = v.pipe(v.string(), v.maxLength(200));

export const ErrorInfoSchema = v.object({
  code: v.picklist(ERROR_CODES),
  message: v.pipe(v.string(), v.maxLength(2000)),
  params: v.optional(v.record(v.string(), v.union([v.string(), v.number()]))),
  /** The message as a catalogue key + parameters, for clients that render it in their language. */
  msg: v.optional(MessageRef),
});

// ——— client → agent ———

export const CommandFrame = v.object({
  t: v.literal('cmd'),
  id,
  action: v.pipe(v.string(), v.maxLength(64), v.regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/)),
  target: v.optional(v.pipe(v.string(), v.maxLength(200))),
  args: v.optional(v.record(v.string(), v.unknown())),
  // Strict: an answer carrying anything this agent cannot read (a `cancel` flag a client might
  // put there) is refused as a bad frame, never read as a plain "yes" with the rest dropped.
  confirm: v.optional(
    v.strictObject({
      challenge: v.pipe(v.string(), v.maxLength(64)),
      text: v.optional(v.pipe(v.string(), v.maxLength(200))),
      /** A WebAuthn assertion over the challenge, when the confirmation asked for a passkey. */
      passkey: v.optional(WebAuthnJson),
    }),
  ),
});
export type CommandFrame = v.InferOutput<typeof CommandFrame>;

/**
 * The user said no to a confirmation (`challenge` from a `confirm` result): the agent drops the
 * challenge and audits the request as cancelled, and answers with a result of this `id`. A frame of
 * its own, never a flag on `confirm`: an agent that predates it ignores an unknown type and answers
 * nothing, where a flag it did not know would be dropped and the answer read as a confirmation.
 */
export const CancelFrame = v.object({
  t: v.literal('cancel'),
  id,
  challenge: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
});
export type CancelFrame = v.InferOutput<typeof CancelFrame>;

export const ResyncFrame = v.object({ t: v.literal('resync') });
export const PingFrame = v.object({ t: v.literal('ping'), at: v.optional(v.number()) });

export const ClientFrame = v.variant('t', [CommandFrame, CancelFrame, ResyncFrame, PingFrame]);
export type ClientFrame = v.InferOutput<typeof ClientFrame>;

// ——— agent → client ———

export const Entity = v.object({
  kind: v.pipe(v.string(), v.maxLength(40)),
  id: v.pipe(v.string(), v.maxLength(200)),
  version: v.number(),
  data: v.unknown(),
});
export type Entity = v.InferOutput<typeof Entity>;

export const WelcomeFrame = v.object({
  t: v.literal('welcome'),
  v: v.number(),
  device: v.object({ id, name }),
  agent: v.object({ homeId: id, name, version: v.string() }),
  path: v.picklist(['direct', 'relay']),
  /** This device's admission-pass key (32 bytes, base64url), to keep for its next hellos. */
  pass: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/))),
});
export type WelcomeFrame = v.InferOutput<typeof WelcomeFrame>;

/** A session-level refusal (not paired, revoked, bad pairing code), sent encrypted, then the session ends. */
export const SessionErrorFrame = v.object({ t: v.literal('error'), code: v.string(), message: v.string() });

export const SnapshotFrame = v.object({
  t: v.literal('snapshot'),
  seq: v.number(),
  at: v.number(),
  entities: v.array(Entity),
});
export type SnapshotFrame = v.InferOutput<typeof SnapshotFrame>;

/** One entity changed (or was removed). `seq` grows by exactly one per update, so a gap means "resync". */
export const UpdateFrame = v.object({
  t: v.literal('update'),
  seq: v.number(),
  at: v.number(),
  entity: v.optional(Entity),
  removed: v.optional(v.object({ kind: v.string(), id: v.string() })),
});
export type UpdateFrame = v.InferOutput<typeof UpdateFrame>;

/** How long a confirmation may be answered: the agent's challenge lives this long. */
export const CHALLENGE_TTL_MS = 60_000;

export const Confirmation = v.object({
  challenge: v.string(),
  expiresAt: v.number(),
  /** What the user is agreeing to. */
  title: v.string(),
  consequences: v.array(v.string()),
  /** When set, the user must type this name (a lifeline plug's) to confirm, as `sameName` compares. */
  typeToConfirm: v.optional(v.string()),
  /** `title` and `consequences` as catalogue messages (shared/messages/), when the agent has them. */
  titleMsg: v.optional(MessageRef),
  consequencesMsg: v.optional(v.array(MessageRef)),
  /** The owner requires a fresh passkey check for this: sign the challenge with one of these. */
  passkey: v.optional(PasskeyRequest),
});
export type Confirmation = v.InferOutput<typeof Confirmation>;

/**
 * What the user typed names the thing: spaces around it and letter case do not matter. The one
 * comparison the guard checks and the app's sheet enables its button by.
 */
export function sameName(typed: string | undefined, expected: string): boolean {
  return (typed ?? '').trim().toLowerCase() === expected.trim().toLowerCase();
}

const resultBase = { t: v.literal('result'), id };
export const ResultFrame = v.variant('status', [
  v.object({ ...resultBase, status: v.literal('ok'), data: v.optional(v.unknown()) }),
  v.object({ ...resultBase, status: v.literal('error'), error: ErrorInfoSchema }),
  v.object({ ...resultBase, status: v.literal('confirm'), confirm: Confirmation }),
]);
export type ResultFrame = v.InferOutput<typeof ResultFrame>;

export const ProgressFrame = v.object({
  t: v.literal('progress'),
  id,
  stage: v.pipe(v.string(), v.maxLength(40)),
  message: v.optional(v.string()),
  msg: v.optional(MessageRef),
  data: v.optional(v.record(v.string(), v.unknown())),
});
export type ProgressFrame = v.InferOutput<typeof ProgressFrame>;

export const EventRecord = v.object({
  id: v.number(),
  at: v.number(),
  kind: v.string(),
  severity: v.picklist(['info', 'warning', 'critical']),
  subject: v.optional(v.string()),
  /** The English sentence; `msg` is the same as a catalogue message, when the agent has one. */
  message: v.string(),
  msg: v.optional(MessageRef),
  data: v.optional(v.record(v.string(), v.unknown())),
});
export type EventRecord = v.InferOutput<typeof EventRecord>;

export const EventFrame = v.object({ t: v.literal('event'), event: EventRecord });
export const PongFrame = v.object({ t: v.literal('pong'), at: v.optional(v.number()) });
export const ByeFrame = v.object({ t: v.literal('bye'), code: v.string(), message: v.string() });

export const AgentFrameSchema = v.variant('t', [
  WelcomeFrame,
  SessionErrorFrame,
  SnapshotFrame,
  UpdateFrame,
  ResultFrame,
  ProgressFrame,
  EventFrame,
  PongFrame,
  ByeFrame,
]);
export type AgentFrame = v.InferOutput<typeof AgentFrameSchema>;

const AGENT_TYPES = new Set([
  'welcome',
  'error',
  'snapshot',
  'update',
  'result',
  'progress',
  'event',
  'pong',
  'bye',
]);
const CLIENT_TYPES = new Set(['cmd', 'cancel', 'resync', 'ping']);

export type Decoded<T> = { ok: true; frame: T } | { ok: false; unknownType: boolean; reason: string };

function decode<T>(schema: v.GenericSchema<unknown, T>, known: Set<string>, value: unknown): Decoded<T> {
  const t = (value as { t?: unknown } | null)?.t;
  if (typeof t !== 'string') return { ok: false, unknownType: false, reason: 'frame has no type' };
  if (!known.has(t)) return { ok: false, unknownType: true, reason: `unknown frame type ${t.slice(0, 40)}` };
  const r = v.safeParse(schema, value);
  if (r.success) return { ok: true, frame: r.output };
  return { ok: false, unknownType: false, reason: describeIssues(r.issues, 'frame') };
}

/** Validates a frame from the agent. An unknown `t` is reported separately so callers can ignore it. */
export function decodeAgentFrame(value: unknown): Decoded<AgentFrame> {
  return decode(AgentFrameSchema, AGENT_TYPES, value);
}

export function decodeClientFrame(value: unknown): Decoded<ClientFrame> {
  return decode(ClientFrame, CLIENT_TYPES, value);
}
