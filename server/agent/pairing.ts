// Single-use pairing codes, valid 10 minutes. Only a hash is stored; redemption compares in
// constant time and failed attempts are rate-limited (per source and overall).
import { createHash, randomBytes } from 'node:crypto';
import { timingSafeEqual, toBase32, toBase64Url, utf8 } from '../../shared/bytes.js';
import { formatPairingLink } from '../../shared/pairing-link.js';
import { SessionError } from '../../shared/session/errors.js';
import type { Clock } from '../clock.js';
import { RateLimiter } from '../rate-limit.js';
import type { DeviceRecord, DevicesRepo } from '../store/devices-repo.js';
import type { PairingRepo } from '../store/pairing-repo.js';

export const PAIRING_TTL_MS = 10 * 60_000;

const hashCode = (code: string) => createHash('sha256').update(`lifeline-pairing:${code}`).digest('hex');

export function newPairingCode(): string {
  return toBase32(randomBytes(10)); // 80 bits, 16 characters
}

export class PairingService {
  private readonly perSource: RateLimiter;
  private readonly overall: RateLimiter;

  constructor(
    private readonly codes: PairingRepo,
    private readonly devices: DevicesRepo,
    private readonly clock: Clock,
  ) {
    this.perSource = new RateLimiter(5, 60_000, clock);
    this.overall = new RateLimiter(30, 10 * 60_000, clock);
  }

  create(createdBy: string | null): { code: string; expiresAt: number } {
    const now = this.clock.now();
    this.codes.prune(now);
    const code = newPairingCode();
    const expiresAt = now + PAIRING_TTL_MS;
    this.codes.insert(hashCode(code), now, expiresAt, createdBy);
    return { code, expiresAt };
  }

  link(base: string, homeId: string, createdBy: string | null): { link: string; expiresAt: number } {
    const { code, expiresAt } = this.create(createdBy);
    return { link: formatPairingLink({ base, homeId, code }), expiresAt };
  }

  /** Redeems a code for a device key; throws SessionError with a user-facing reason. */
  redeem(
    code: string,
    device: { id: string; publicKey: Uint8Array; name: string; client: 'pwa' | 'ctl' },
    source: string,
  ): DeviceRecord {
    if (!this.perSource.allowed(source) || !this.overall.allowed('*'))
      throw new SessionError(
        'pairing-rate-limited',
        'too many pairing attempts; wait a minute and try again',
      );
    const now = this.clock.now();
    const wanted = utf8(hashCode(code.trim().toLowerCase()));
    let match: string | undefined;
    for (const row of this.codes.usable(now))
      if (timingSafeEqual(utf8(row.code_hash), wanted)) match = row.code_hash;
    if (!match || !this.codes.consume(match, now, device.id)) {
      this.perSource.hit(source);
      this.overall.hit('*');
      throw new SessionError(
        'pairing-code-invalid',
        'this pairing code is unknown, expired or already used; run `lifeline pair` for a new one',
      );
    }
    const record = {
      id: device.id,
      publicKey: toBase64Url(device.publicKey),
      name: device.name,
      client: device.client,
      pairedAt: now,
    };
    this.devices.insert(record);
    return { ...record, lastSeenAt: null, revokedAt: null };
  }
}
