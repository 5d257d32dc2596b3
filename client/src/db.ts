// The one owner of IndexedDB: the device key (non-extractable), the pairing, and the last state
// seen, so the app opens with something useful when home is unreachable.
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { Entity } from '../../shared/protocol/frames.js';

export interface Pairing {
  homeId: string;
  homeName: string;
  agentKey: string;
  /** Where sessions are opened (the agent or a relay); normally this page's origin. */
  base: string;
  /** A standby relay's base: tried when `base` does not reach home (from the pairing link or home's state). */
  standby?: string;
  deviceId: string;
  deviceName: string;
  pairedAt: number;
  /**
   * The admission-pass key home gave in its last welcome: the hello proves with it that this is a
   * paired device, so strangers on the same network cannot use up the connections home allows it.
   */
  pass?: string;
}

export interface SavedState {
  entities: Entity[];
  /** Agent clock time of the last state received. */
  at: number;
  /** Device clock time when it was saved. */
  savedAt: number;
}

interface Schema extends DBSchema {
  keys: { key: string; value: CryptoKeyPair };
  meta: { key: string; value: unknown };
}

let dbPromise: Promise<IDBPDatabase<Schema>> | null = null;

function db(): Promise<IDBPDatabase<Schema>> {
  dbPromise ??= openDB<Schema>('lifeline', 1, {
    upgrade(d) {
      d.createObjectStore('keys');
      d.createObjectStore('meta');
    },
  });
  return dbPromise;
}

export const store = {
  async deviceKey(): Promise<CryptoKeyPair | undefined> {
    return (await db()).get('keys', 'device');
  },
  async setDeviceKey(pair: CryptoKeyPair): Promise<void> {
    await (await db()).put('keys', pair, 'device');
  },
  async pairing(): Promise<Pairing | undefined> {
    return (await (await db()).get('meta', 'pairing')) as Pairing | undefined;
  },
  async setPairing(p: Pairing): Promise<void> {
    await (await db()).put('meta', p, 'pairing');
  },
  async savedState(): Promise<SavedState | undefined> {
    return (await (await db()).get('meta', 'state')) as SavedState | undefined;
  },
  async saveState(s: SavedState): Promise<void> {
    await (await db()).put('meta', s, 'state');
  },
  async get<T>(key: string): Promise<T | undefined> {
    return (await (await db()).get('meta', key)) as T | undefined;
  },
  async set(key: string, value: unknown): Promise<void> {
    await (await db()).put('meta', value, key);
  },
  /** Forgets this home entirely (after revocation, or "unpair"). */
  async forget(): Promise<void> {
    const d = await db();
    await Promise.all([d.delete('keys', 'device'), d.delete('meta', 'pairing'), d.delete('meta', 'state')]);
  },
};
