// Everything home sends by push is signed by the agent key and numbered, then encrypted to the
// subscription (RFC 8291) here at home: the relay holds no subscription key, so it can neither
// read a notice nor write one the phone would show as home's (shared/push-signature.ts).
import type WebPush from 'web-push';
import type { PushPayload } from '../../../shared/protocol/push.js';
import { signPush } from '../../../shared/push-signature.js';
import type { Identity } from '../../../shared/session/keys.js';
import type { KvRepo } from '../../store/kv-repo.js';

const SEQ_KEY = 'push.seq';

export interface PushKeys {
  p256dh: string;
  auth: string;
}

export class PushSigner {
  constructor(
    private readonly kv: KvRepo,
    private readonly identity: Identity,
  ) {}

  /** The next number; durable, so a restarted agent never reuses one the phone has seen. */
  private nextSeq(): number {
    const seq = (this.kv.get<number>(SEQ_KEY) ?? 0) + 1;
    this.kv.set(SEQ_KEY, seq);
    return seq;
  }

  /** The ciphertext for one subscription: the payload numbered, signed, then encrypted. */
  async seal(webpush: typeof WebPush, sub: PushKeys, payload: PushPayload): Promise<Uint8Array> {
    const text = await signPush(this.identity.privateKey, { ...payload, seq: this.nextSeq() });
    return webpush.encrypt(sub.p256dh, sub.auth, text, 'aes128gcm').cipherText;
  }
}
