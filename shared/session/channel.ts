// The record layer: AES-256-GCM with one key and one counter per direction.
// The counter is never sent: the receiver decrypts with the number it expects next, so a
// replayed, reordered, dropped or altered frame fails authentication and ends the session.
import { asBuffer } from '../bytes.js';
import { SessionError } from './errors.js';

const subtle = () => globalThis.crypto.subtle;

function nonceFor(counter: number): Uint8Array {
  const iv = new Uint8Array(12);
  new DataView(iv.buffer).setBigUint64(4, BigInt(counter));
  return iv;
}

export class SecureChannel {
  private sendCounter = 0;
  private recvCounter = 0;
  private sendChain: Promise<unknown> = Promise.resolve();
  private recvChain: Promise<unknown> = Promise.resolve();
  private broken = false;

  constructor(
    private readonly sendKey: CryptoKey,
    private readonly recvKey: CryptoKey,
  ) {}

  /** Encrypts the next outgoing frame. Calls resolve in call order, so frames go out in counter order. */
  seal(plain: Uint8Array): Promise<Uint8Array> {
    const iv = nonceFor(this.sendCounter++);
    const result = this.sendChain.then(
      async () =>
        new Uint8Array(
          await subtle().encrypt({ name: 'AES-GCM', iv: asBuffer(iv) }, this.sendKey, asBuffer(plain)),
        ),
    );
    this.sendChain = result.catch(() => undefined);
    return result;
  }

  /** Decrypts the next incoming frame; after one failure every later frame is refused too. */
  open(cipher: Uint8Array): Promise<Uint8Array> {
    const iv = nonceFor(this.recvCounter++);
    const result = this.recvChain.then(async () => {
      if (this.broken) throw new SessionError('frame-rejected', 'session already failed');
      try {
        return new Uint8Array(
          await subtle().decrypt({ name: 'AES-GCM', iv: asBuffer(iv) }, this.recvKey, asBuffer(cipher)),
        );
      } catch {
        this.broken = true;
        throw new SessionError(
          'frame-rejected',
          'a frame failed authentication (altered, replayed, reordered or injected)',
        );
      }
    });
    this.recvChain = result.catch(() => undefined);
    return result;
  }
}
