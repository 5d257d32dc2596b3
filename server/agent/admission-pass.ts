// Admission passes: how the agent tells a paired device from a stranger on the same address before
// the handshake's public-key work. Each paired device's pass key is HMAC(root, its id), the root a
// random secret kept in the database; the device gets its key in every welcome and puts
// time ‖ HMAC(key, home ‖ eph ‖ nonce ‖ time) in its next hellos (shared/session/handshake.ts).
// A pass names no device, so the relay cannot tell the owner's devices apart by it; the agent tries
// each paired device's key (a few microseconds each). A pass is good once, and only within
// PASS_WINDOW_S of its time and not from before this agent started, so a captured hello replayed
// later, or after a restart forgot which passes were used, gets nothing. Revoking a device ends its
// pass at once, since only active devices are tried.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { fromBase64Url, toBase64Url } from '../../shared/bytes.js';
import { admissionPassInput, PASS_BYTES, PASS_MAC_BYTES } from '../../shared/session/handshake.js';
import type { Clock } from '../clock.js';
import type { DevicesRepo } from '../store/devices-repo.js';
import type { KvRepo } from '../store/kv-repo.js';

const ROOT_KEY = 'admission.root';
/** How far a pass's time may be from the agent's clock either way (phones' clocks drift a little). */
export const PASS_WINDOW_S = 10 * 60;
/** Used passes are remembered for as long as they could otherwise be taken again. */
const REMEMBER_MS = 2 * PASS_WINDOW_S * 1000 + 60_000;
const MAX_REMEMBERED = 50_000;

export class AdmissionPasses {
  private readonly root: Buffer;
  private readonly keys = new Map<string, Buffer>();
  /** Passes already taken (their bytes, hex), with when: oldest first (insertion order). */
  private readonly used = new Map<string, number>();
  /** Seconds: a pass dated before this agent started may have been taken before it started. */
  private readonly since: number;

  constructor(
    kv: KvRepo,
    private readonly devices: Pick<DevicesRepo, 'listActive'>,
    private readonly clock: Clock,
  ) {
    const saved = kv.get<string>(ROOT_KEY);
    let root = saved ? Buffer.from(fromBase64Url(saved)) : undefined;
    if (!root || root.length !== 32) {
      root = randomBytes(32);
      kv.set(ROOT_KEY, toBase64Url(root));
    }
    this.root = root;
    this.since = Math.floor(clock.now() / 1000);
  }

  /** A device's pass key, for its welcome. */
  keyFor(deviceId: string): Uint8Array {
    let key = this.keys.get(deviceId);
    if (!key) {
      key = createHmac('sha256', this.root).update(`lifeline/admission-key/v1\0${deviceId}`).digest();
      this.keys.set(deviceId, key);
    }
    return key;
  }

  /**
   * The paired, unrevoked device whose pass this hello carries, or undefined (no pass, a wrong one,
   * a revoked device's, one taken before, or one out of its time). Reads the hello loosely: it is
   * validated later.
   */
  recognize(hello: unknown): string | undefined {
    if (typeof hello !== 'object' || hello === null) return undefined;
    const { home, eph, nonce, pass } = hello as Record<string, unknown>;
    if (typeof home !== 'string' || typeof eph !== 'string' || typeof nonce !== 'string') return undefined;
    if (typeof pass !== 'string' || !/^[A-Za-z0-9_-]{27}$/.test(pass)) return undefined;
    if (home.length > 64 || eph.length > 100 || nonce.length > 40) return undefined;
    const bytes = Buffer.from(fromBase64Url(pass));
    // One spelling per pass: base64url's spare bits would otherwise make one pass several.
    if (bytes.length !== PASS_BYTES || toBase64Url(bytes) !== pass) return undefined;
    const seconds = bytes.readUInt32BE(0);
    const now = Math.floor(this.clock.now() / 1000);
    if (seconds < this.since || Math.abs(seconds - now) > PASS_WINDOW_S) return undefined;
    const presented = bytes.subarray(4);
    const input = admissionPassInput(home, eph, nonce, seconds);
    let found: string | undefined;
    for (const device of this.devices.listActive()) {
      const mac = createHmac('sha256', this.keyFor(device.id))
        .update(input)
        .digest()
        .subarray(0, PASS_MAC_BYTES);
      if (timingSafeEqual(mac, presented)) {
        found = device.id;
        break;
      }
    }
    if (!found || !this.firstUse(bytes.toString('hex'))) return undefined;
    return found;
  }

  private firstUse(pass: string): boolean {
    const now = this.clock.now();
    for (const [p, at] of this.used) {
      if (now - at < REMEMBER_MS && this.used.size <= MAX_REMEMBERED) break;
      this.used.delete(p);
    }
    if (this.used.has(pass)) return false;
    this.used.set(pass, now);
    return true;
  }
}
