// Long-term identities: the agent's key (its fingerprint is the home id) and each device's key.
// ECDSA P-256 everywhere, through WebCrypto only, so browser and Node share this code.
import { asBuffer, concatBytes, toBase32, utf8 } from '../bytes.js';

const subtle = () => globalThis.crypto.subtle;
const SIGN_ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN_PARAMS = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A P-256 public key point in uncompressed form (65 bytes, 0x04 || X || Y). */
export type PublicKeyBytes = Uint8Array;

export interface Identity {
  readonly privateKey: CryptoKey;
  readonly publicKey: PublicKeyBytes;
  /** Fingerprint of the public key: the home id for an agent, the device id for a device. */
  readonly id: string;
}

/**
 * Makes a new signing identity. In the browser pass `extractable: false` so the private key
 * can never leave IndexedDB; the ctl key file needs an extractable key to be written out.
 */
export async function generateIdentity(
  extractable: boolean,
): Promise<{ identity: Identity; pair: CryptoKeyPair }> {
  const pair = (await subtle().generateKey(SIGN_ALG, extractable, ['sign', 'verify'])) as CryptoKeyPair;
  return { identity: await identityFromKeyPair(pair), pair };
}

export async function identityFromKeyPair(pair: CryptoKeyPair): Promise<Identity> {
  const publicKey = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey, id: await fingerprint(publicKey) };
}

/** 128 bits of SHA-256 over a domain label and the key: 26 base32 characters. */
export async function fingerprint(publicKey: PublicKeyBytes): Promise<string> {
  const digest = await subtle().digest('SHA-256', asBuffer(concatBytes(utf8('lifeline-key-id:'), publicKey)));
  return toBase32(new Uint8Array(digest).subarray(0, 16));
}

export async function exportPrivateJwk(privateKey: CryptoKey): Promise<JsonWebKey> {
  return subtle().exportKey('jwk', privateKey);
}

export async function importPrivateJwk(jwk: JsonWebKey): Promise<Identity> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.x || !jwk.y)
    throw new Error('not a P-256 private key');
  const privateKey = await subtle().importKey('jwk', jwk, SIGN_ALG, false, ['sign']);
  const { d: _d, key_ops: _ops, ...pub } = jwk;
  const publicCryptoKey = await subtle().importKey('jwk', { ...pub, key_ops: ['verify'] }, SIGN_ALG, true, [
    'verify',
  ]);
  const publicKey = new Uint8Array(await subtle().exportKey('raw', publicCryptoKey));
  return { privateKey, publicKey, id: await fingerprint(publicKey) };
}

export async function sign(privateKey: CryptoKey, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign(SIGN_PARAMS, privateKey, asBuffer(data)));
}

/** Verifies a raw (IEEE P1363) signature; any malformed key or signature is simply "false". */
export async function verify(
  publicKey: PublicKeyBytes,
  signature: Uint8Array,
  data: Uint8Array,
): Promise<boolean> {
  try {
    const key = await subtle().importKey('raw', asBuffer(publicKey), SIGN_ALG, false, ['verify']);
    return await subtle().verify(SIGN_PARAMS, key, asBuffer(signature), asBuffer(data));
  } catch {
    return false;
  }
}
