// The agent ↔ relay link: one outbound WebSocket per agent. Control frames are JSON text; stream
// data is binary: [kind u8][sid u32 BE][payload], so the relay copies bytes it cannot read. A stream
// is either an end-to-end session (kind text/binary: session frames) or a phone's TLS connection to
// the home's name, passed through untouched (kind raw), with per-stream credit so neither side
// buffers more than STREAM_WINDOW bytes of it.
import * as v from 'valibot';
import { LinkSealed } from './sealed-notices.js';

/** 2: the auth signature covers the relay's origin and the names; TLS pass-through streams. */
export const LINK_VERSION = 2;

/** Bytes of a pass-through stream one side may send before the other grants more (`credit`). */
export const STREAM_WINDOW = 128 * 1024;
/** The largest raw chunk in one frame (a TLS record is at most ~16 KiB). */
export const RAW_CHUNK = 16 * 1024;
/**
 * The ALPN protocol an agent offers when its link carries its home's name as SNI (`route: 'name'`):
 * the relay's pass-through sends such a connection to the relay itself, never into the home's pipe.
 */
export const LINK_ALPN = 'lifeline-link';

/** Names an agent may ask the relay to route to it. */
export const MAX_LINK_NAMES = 8;

const b64u = (max: number) => v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]*$/), v.maxLength(max));
const sid = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(0xffffffff));
const text = (max: number) => v.pipe(v.string(), v.maxLength(max));

/** A DNS name the relay routes by SNI: lower case, no trailing dot. */
export const LinkName = v.pipe(
  v.string(),
  v.maxLength(253),
  v.regex(/^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/),
);

// ——— relay → agent ———

export const LinkChallenge = v.object({
  t: v.literal('challenge'),
  v: v.number(),
  nonce: b64u(64),
});

export const LinkWelcome = v.object({
  t: v.literal('welcome'),
  homeId: text(64),
  /** The address the agent's connection comes from: the home's public IP as seen from outside. */
  observedAddress: text(64),
  vapidPublicKey: b64u(120),
  serverTime: v.number(),
  /** The names this relay now routes to the agent (SNI pass-through); absent from older relays. */
  names: v.optional(v.array(LinkName)),
  /**
   * How often this relay needs a sign of life, in seconds: the relay's `offline.afterSeconds`
   * decides it, not the agent's config (absent from older relays: the agent keeps its own).
   */
  heartbeatSeconds: v.optional(v.pipe(v.number(), v.minValue(1), v.maxValue(600))),
  /**
   * `name`: this relay is one of several behind a load balancer that routes by SNI; an agent with a
   * name of its own should link with that name as SNI, so it lands where its phones' streams do.
   */
  route: v.optional(v.picklist(['name'])),
});
export type LinkWelcome = v.InferOutput<typeof LinkWelcome>;

export const LinkRefused = v.object({ t: v.literal('refused'), code: text(64), message: text(300) });

/** A new stream: an E2E session (`session`, the default) or a phone's TLS for `name` (`tls`). */
export const StreamOpen = v.object({
  t: v.literal('open'),
  sid,
  source: text(100),
  kind: v.optional(v.picklist(['session', 'tls'])),
  name: v.optional(LinkName),
});
export const StreamClose = v.object({ t: v.literal('close'), sid, code: v.number(), reason: text(120) });
/** The receiver of a pass-through stream has passed `n` more bytes on: the sender may send them. */
export const StreamCredit = v.object({
  t: v.literal('credit'),
  sid,
  n: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(STREAM_WINDOW)),
});
export const LinkPong = v.object({ t: v.literal('pong'), at: v.number() });
/** Outbox ids the relay has stored durably; the agent may forget them. */
export const LinkAck = v.object({ t: v.literal('ack'), ids: v.array(v.number()) });
/** What the push service said about a delivery the agent asked for. */
export const PushStatus = v.object({
  t: v.literal('push-status'),
  sub: text(64),
  status: v.picklist(['delivered', 'gone', 'too-large', 'rejected']),
  detail: v.optional(text(300)),
});

export const RelayToAgent = v.variant('t', [
  LinkChallenge,
  LinkWelcome,
  LinkRefused,
  StreamOpen,
  StreamClose,
  StreamCredit,
  LinkPong,
  LinkAck,
  PushStatus,
]);
export type RelayToAgent = v.InferOutput<typeof RelayToAgent>;

// ——— agent → relay ———

export const LinkAuth = v.object({
  t: v.literal('auth'),
  v: v.number(),
  key: b64u(100),
  sig: b64u(100),
  home: v.object({ name: text(80), timeZone: text(64) }),
  /** The relay origin the agent dialled (`wss://relay.example.com`), covered by the signature. */
  origin: text(300),
  /** Names whose TLS the relay should pass through to this agent (its certificate's name). */
  names: v.optional(v.pipe(v.array(LinkName), v.maxLength(MAX_LINK_NAMES))),
  /** `lifeline check` asking whether it would be accepted: answered, then closed, never registered. */
  probe: v.optional(v.boolean()),
});
export type LinkAuth = v.InferOutput<typeof LinkAuth>;

export const LinkPing = v.object({ t: v.literal('ping'), at: v.number() });

/** Where to deliver; no keys: the relay cannot encrypt to a subscription (sealed-notices.ts). */
export const PushSubscriptionInfo = v.object({
  id: text(64),
  endpoint: v.pipe(v.string(), v.url(), v.maxLength(1000)),
});
export type PushSubscriptionInfo = v.InferOutput<typeof PushSubscriptionInfo>;

/** The full list of this home's push subscriptions. */
export const LinkSubscriptions = v.object({
  t: v.literal('subs'),
  subs: v.pipe(v.array(PushSubscriptionInfo), v.maxLength(200)),
});

export const ChannelConfig = v.object({
  id: text(64),
  type: v.picklist(['ntfy', 'bark', 'telegram', 'feishu', 'dingtalk', 'wecom', 'webhook']),
  url: v.pipe(v.string(), v.url(), v.maxLength(1000)),
  token: v.optional(text(400)),
  chat: v.optional(text(100)),
  secret: v.optional(text(200)),
});
export type ChannelConfig = v.InferOutput<typeof ChannelConfig>;

/** Fallback channels the owner marked for the relay's own notices (`relay: true`); no others. */
export const LinkChannels = v.object({
  t: v.literal('channels'),
  channels: v.pipe(v.array(ChannelConfig), v.maxLength(20)),
});

/** A push the agent already encrypted for one subscription (RFC 8291); the relay adds VAPID and sends. */
export const LinkDeliver = v.object({
  t: v.literal('deliver'),
  id: v.pipe(v.number(), v.integer(), v.minValue(1)),
  sub: text(64),
  body: b64u(8000),
  ttl: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(2419200)),
  urgency: v.picklist(['very-low', 'low', 'normal', 'high']),
  topic: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,32}$/))),
});
export type LinkDeliver = v.InferOutput<typeof LinkDeliver>;

/** After a lifeline power-cycle: the link will drop; the agent should be back by `until`. */
export const LinkExpect = v.object({
  t: v.literal('expect'),
  until: v.number(),
  what: text(120),
});

/** A stream's device authenticated: the relay stops counting it among strangers' pending streams. */
export const StreamSeated = v.object({ t: v.literal('seated'), sid });

export const AgentToRelay = v.variant('t', [
  LinkAuth,
  LinkPing,
  StreamClose,
  StreamSeated,
  StreamCredit,
  LinkSubscriptions,
  LinkChannels,
  LinkDeliver,
  LinkExpect,
  LinkSealed,
]);
export type AgentToRelay = v.InferOutput<typeof AgentToRelay>;

export const DataKind = { text: 1, binary: 2, raw: 3 } as const;

export function encodeData(sidValue: number, payload: string | Uint8Array): Uint8Array {
  const body = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return frameOf(typeof payload === 'string' ? DataKind.text : DataKind.binary, sidValue, body);
}

/** Bytes of a pass-through stream, as they came. */
export function encodeRaw(sidValue: number, bytes: Uint8Array): Uint8Array {
  return frameOf(DataKind.raw, sidValue, bytes);
}

function frameOf(kind: number, sidValue: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(5 + body.length);
  out[0] = kind;
  new DataView(out.buffer).setUint32(1, sidValue);
  out.set(body, 5);
  return out;
}

/** The sid and bytes of a raw frame, or null when the frame is not one. */
export function decodeRaw(frame: Uint8Array): { sid: number; bytes: Uint8Array } | null {
  if (frame.length < 6 || frame[0] !== DataKind.raw) return null;
  return {
    sid: new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(1),
    bytes: frame.subarray(5),
  };
}

export function decodeData(frame: Uint8Array): { sid: number; payload: string | Uint8Array } | null {
  if (frame.length < 5) return null;
  const kind = frame[0];
  const sidValue = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(1);
  const body = frame.subarray(5);
  if (kind === DataKind.text) {
    try {
      return { sid: sidValue, payload: new TextDecoder('utf-8', { fatal: true }).decode(body) };
    } catch {
      return null;
    }
  }
  if (kind === DataKind.binary) return { sid: sidValue, payload: body };
  return null;
}

export function parseControl<T>(schema: v.GenericSchema<unknown, T>, text: string): T | null {
  try {
    const r = v.safeParse(schema, JSON.parse(text));
    return r.success ? r.output : null;
  } catch {
    return null;
  }
}

/**
 * What the agent signs to link: the relay's challenge, the origin it dialled and the names it asks
 * for. With the origin inside, a relay that forwards another relay's challenge to an agent cannot
 * use the answer to pass as that agent elsewhere.
 */
export const linkAuthInput = (nonce: string, origin: string, names: readonly string[] = []) =>
  new TextEncoder().encode(`lifeline/relay-auth/v2\n${origin}\n${nonce}\n${names.join(',')}`);
