// What home says in a push is signed by the agent's key inside the RFC 8291 encryption, so the
// relay — which delivers it and may once have held a subscription's keys — cannot write a notice
// that shows as home's. The service worker checks the signature against the agent key pinned at
// pairing, and each number once; anything else it shows as "from the relay" with fixed wording.
import * as v from 'valibot';
import { fromBase64Url, toBase64Url, utf8 } from './bytes.js';
import { PushPayload } from './protocol/push.js';
import { type PublicKeyBytes, sign, verify } from './session/keys.js';

const LABEL = 'lifeline/push/v1\n';

/** The plaintext of a signed push: the payload's exact JSON text and its signature. */
const Envelope = v.object({
  d: v.pipe(v.string(), v.maxLength(3000)),
  s: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{80,100}$/)),
});

/** The text to encrypt to a subscription: the payload signed by the agent. */
export async function signPush(agentKey: CryptoKey, payload: PushPayload): Promise<string> {
  const d = JSON.stringify(payload);
  const s = toBase64Url(await sign(agentKey, utf8(LABEL + d)));
  return JSON.stringify({ d, s });
}

/** The payload when the agent whose key is pinned signed it, else null (forged, altered, unsigned). */
export async function openSignedPush(
  text: string | null | undefined,
  agentKey: PublicKeyBytes,
): Promise<PushPayload | null> {
  let envelope: v.InferOutput<typeof Envelope>;
  try {
    const r = v.safeParse(Envelope, JSON.parse(text ?? ''));
    if (!r.success) return null;
    envelope = r.output;
  } catch {
    return null;
  }
  if (!(await verify(agentKey, fromBase64Url(envelope.s), utf8(LABEL + envelope.d)))) return null;
  try {
    const r = v.safeParse(PushPayload, JSON.parse(envelope.d));
    return r.success && r.output.from === 'agent' && r.output.seq !== undefined ? r.output : null;
  } catch {
    return null;
  }
}
