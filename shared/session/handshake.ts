// Mutually authenticated key exchange (SIGMA-style), the same on every path:
//   client → agent  hello  {home, eph_c, nonce}                       (clear)
//   agent  → client hello  {eph_a, key_a, sig_a = Sign_a(transcript)} (clear)
//   both: keys = HKDF(ECDH(eph_c, eph_a), salt = transcript, "c2a" | "a2c")
//   client → agent  auth   {key_d, sig_d = Sign_d(transcript ‖ sig_a), pair?}  (encrypted)
// The client accepts the agent only if fingerprint(key_a) is the home id it was given (and the
// pinned key once paired), so a relay in the middle can neither read nor stand in.
// A paired device adds to its hello an admission pass, time ‖ HMAC(pass key, home ‖ eph_c ‖ nonce ‖
// time): the agent gave it the key in an earlier welcome, and checks the pass before any public-key
// work, so that strangers sharing the device's address cannot use up the connection budget it
// needs. The pass names no device (the agent tries each paired device's key), and is good for one
// hello, once, within minutes of its time (server/agent/admission-pass.ts).
import * as v from 'valibot';
import { asBuffer, concatBytes, fromBase64Url, randomBytes, toBase64Url, utf8 } from '../bytes.js';
import { AgentHello, ClientAuth, ClientHello, PROTOCOL_VERSION } from '../protocol/handshake.js';
import { SecureChannel } from './channel.js';
import { SessionError } from './errors.js';
import { fingerprint, type Identity, sign, verify } from './keys.js';

const subtle = () => globalThis.crypto.subtle;
const ECDH_ALG = { name: 'ECDH', namedCurve: 'P-256' } as const;
const LABEL = utf8('lifeline/session/v1');

export interface Ephemeral {
  pair: CryptoKeyPair;
  publicKey: Uint8Array;
}

export async function newEphemeral(): Promise<Ephemeral> {
  const pair = (await subtle().generateKey(ECDH_ALG, false, ['deriveBits'])) as CryptoKeyPair;
  return { pair, publicKey: new Uint8Array(await subtle().exportKey('raw', pair.publicKey)) };
}

async function transcriptHash(
  home: string,
  ephC: Uint8Array,
  nonce: Uint8Array,
  ephA: Uint8Array,
  agentKey: Uint8Array,
): Promise<Uint8Array> {
  const data = concatBytes(
    LABEL,
    new Uint8Array([0]),
    utf8(home),
    new Uint8Array([0]),
    ephC,
    nonce,
    ephA,
    agentKey,
  );
  return new Uint8Array(await subtle().digest('SHA-256', asBuffer(data)));
}

const agentSigInput = (th: Uint8Array) => concatBytes(utf8('lifeline/agent-sig'), th);
const deviceSigInput = (th: Uint8Array, sigA: Uint8Array) =>
  concatBytes(utf8('lifeline/device-sig'), th, sigA);

async function deriveKeys(ours: Ephemeral, theirPublic: Uint8Array, th: Uint8Array) {
  let peer: CryptoKey;
  try {
    peer = await subtle().importKey('raw', asBuffer(theirPublic), ECDH_ALG, false, []);
  } catch {
    throw new SessionError('bad-handshake', 'the peer sent an invalid ephemeral key');
  }
  const secret = await subtle().deriveBits({ name: 'ECDH', public: peer }, ours.pair.privateKey, 256);
  const ikm = await subtle().importKey('raw', secret, 'HKDF', false, ['deriveKey']);
  const derive = (info: string) =>
    subtle().deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: asBuffer(th), info: asBuffer(utf8(`lifeline/${info}`)) },
      ikm,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
  return { c2a: await derive('c2a'), a2c: await derive('a2c') };
}

function decodeField(text: string, what: string): Uint8Array {
  try {
    return fromBase64Url(text);
  } catch {
    throw new SessionError('bad-handshake', `the ${what} is not valid base64url`);
  }
}

export function parseJson(data: string | Uint8Array): unknown {
  try {
    return JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}

// ——— client side ———

export interface ClientHandshakeStart {
  hello: ClientHello;
  ephemeral: Ephemeral;
  nonce: Uint8Array;
}

const PASS_LABEL = utf8('lifeline/admission-pass/v1');
/** Bytes of a pass's MAC: 128 bits of an HMAC-SHA-256. */
export const PASS_MAC_BYTES = 16;
/** A pass is its time (4 bytes, seconds since 1970, big-endian) and its MAC: 27 characters. */
export const PASS_BYTES = 4 + PASS_MAC_BYTES;

/** What a hello's pass authenticates: its home, ephemeral key, nonce and time, so it fits one hello, once. */
export function admissionPassInput(home: string, eph: string, nonce: string, seconds: number): Uint8Array {
  const zero = new Uint8Array([0]);
  return concatBytes(
    PASS_LABEL,
    zero,
    utf8(home),
    zero,
    utf8(eph),
    zero,
    utf8(nonce),
    zero,
    secondsBytes(seconds),
  );
}

function secondsBytes(seconds: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, seconds >>> 0);
  return out;
}

/** The pass a paired device puts in its hello, made with the pass key from its last welcome. */
export async function admissionPass(
  passKey: Uint8Array,
  home: string,
  eph: string,
  nonce: string,
  seconds = Math.floor(Date.now() / 1000),
): Promise<string> {
  const key = await subtle().importKey('raw', asBuffer(passKey), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const mac = await subtle().sign('HMAC', key, asBuffer(admissionPassInput(home, eph, nonce, seconds)));
  return toBase64Url(concatBytes(secondsBytes(seconds), new Uint8Array(mac).slice(0, PASS_MAC_BYTES)));
}

export async function startClientHandshake(
  homeId: string,
  passKey?: Uint8Array,
): Promise<ClientHandshakeStart> {
  const ephemeral = await newEphemeral();
  const nonce = randomBytes(16);
  const eph = toBase64Url(ephemeral.publicKey);
  const nonceText = toBase64Url(nonce);
  return {
    ephemeral,
    nonce,
    hello: {
      t: 'hello',
      v: PROTOCOL_VERSION,
      home: homeId,
      eph,
      nonce: nonceText,
      ...(passKey ? { pass: await admissionPass(passKey, homeId, eph, nonceText) } : {}),
    },
  };
}

export interface ClientHandshakeResult {
  channel: SecureChannel;
  agentKey: Uint8Array;
  /** The first encrypted frame to send: the device's proof of identity (and pairing code). */
  authFrame: Uint8Array;
}

export async function finishClientHandshake(
  start: ClientHandshakeStart,
  agentHelloRaw: unknown,
  opts: {
    homeId: string;
    pinnedAgentKey?: Uint8Array | undefined;
    device: Identity;
    client: ClientAuth['client'];
    pair?: ClientAuth['pair'];
  },
): Promise<ClientHandshakeResult> {
  const parsed = v.safeParse(AgentHello, agentHelloRaw);
  if (!parsed.success) throw new SessionError('bad-handshake', 'the agent sent a malformed hello');
  const hello = parsed.output;
  if (hello.v !== PROTOCOL_VERSION)
    throw new SessionError(
      'version-unsupported',
      `the agent speaks protocol ${hello.v}, this client ${PROTOCOL_VERSION}`,
    );
  const agentKey = decodeField(hello.key, 'agent key');
  const ephA = decodeField(hello.eph, 'agent ephemeral key');
  const sigA = decodeField(hello.sig, 'agent signature');
  if ((await fingerprint(agentKey)) !== opts.homeId)
    throw new SessionError(
      'wrong-home',
      'the key presented does not belong to this home (possible impostor relay)',
    );
  if (opts.pinnedAgentKey && toBase64Url(opts.pinnedAgentKey) !== hello.key)
    throw new SessionError('agent-key-mismatch', 'the agent key differs from the one pinned at pairing');
  const th = await transcriptHash(opts.homeId, start.ephemeral.publicKey, start.nonce, ephA, agentKey);
  if (!(await verify(agentKey, sigA, agentSigInput(th))))
    throw new SessionError('bad-signature', "the agent's handshake signature is invalid");
  const keys = await deriveKeys(start.ephemeral, ephA, th);
  const channel = new SecureChannel(keys.c2a, keys.a2c);
  const auth: ClientAuth = {
    t: 'auth',
    key: toBase64Url(opts.device.publicKey),
    sig: toBase64Url(await sign(opts.device.privateKey, deviceSigInput(th, sigA))),
    client: opts.client,
    ...(opts.pair ? { pair: opts.pair } : {}),
  };
  const authFrame = await channel.seal(utf8(JSON.stringify(auth)));
  return { channel, agentKey, authFrame };
}

// ——— agent side ———

export interface AgentHandshakeState {
  channel: SecureChannel;
  transcript: Uint8Array;
  agentSig: Uint8Array;
  reply: AgentHello;
}

/** Answers a client hello. Throws SessionError with a code the caller can send back in clear. */
export async function answerClientHello(raw: unknown, agent: Identity): Promise<AgentHandshakeState> {
  const parsed = v.safeParse(ClientHello, raw);
  if (!parsed.success) throw new SessionError('bad-handshake', 'malformed hello');
  const hello = parsed.output;
  if (hello.v !== PROTOCOL_VERSION)
    throw new SessionError(
      'version-unsupported',
      `this agent speaks protocol ${PROTOCOL_VERSION}, the client ${hello.v}`,
    );
  if (hello.home !== agent.id) throw new SessionError('wrong-home', 'this agent does not serve that home id');
  const ephC = decodeField(hello.eph, 'client ephemeral key');
  const nonce = decodeField(hello.nonce, 'nonce');
  if (nonce.length !== 16) throw new SessionError('bad-handshake', 'the nonce must be 16 bytes');
  const ephemeral = await newEphemeral();
  const th = await transcriptHash(hello.home, ephC, nonce, ephemeral.publicKey, agent.publicKey);
  const agentSig = await sign(agent.privateKey, agentSigInput(th));
  const keys = await deriveKeys(ephemeral, ephC, th);
  return {
    channel: new SecureChannel(keys.a2c, keys.c2a),
    transcript: th,
    agentSig,
    reply: {
      t: 'hello',
      v: PROTOCOL_VERSION,
      eph: toBase64Url(ephemeral.publicKey),
      key: toBase64Url(agent.publicKey),
      sig: toBase64Url(agentSig),
    },
  };
}

export interface VerifiedClient {
  auth: ClientAuth;
  deviceKey: Uint8Array;
  deviceId: string;
}

/** Decrypts and checks the client's auth frame: a valid signature by the key it names. */
export async function verifyClientAuth(
  state: AgentHandshakeState,
  frame: Uint8Array,
): Promise<VerifiedClient> {
  const plain = await state.channel.open(frame);
  const parsed = v.safeParse(ClientAuth, parseJson(plain));
  if (!parsed.success) throw new SessionError('bad-handshake', 'malformed auth frame');
  const deviceKey = decodeField(parsed.output.key, 'device key');
  const sig = decodeField(parsed.output.sig, 'device signature');
  if (!(await verify(deviceKey, sig, deviceSigInput(state.transcript, state.agentSig))))
    throw new SessionError('bad-signature', "the device's handshake signature is invalid");
  return { auth: parsed.output, deviceKey, deviceId: await fingerprint(deviceKey) };
}
