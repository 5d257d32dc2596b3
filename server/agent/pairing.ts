// Single-use pairing codes, valid 10 minutes. Only a hash is stored; redemption compares in
// constant time. Wrong codes are limited per source (an IPv4 address, an IPv6 /64); there is no
// global limit that strangers could fill to block the owner: a correct code from a source that is
// not itself over its limit always works. Many wrong codes overall raise a warning instead (80-bit
// codes make guessing hopeless; the warning tells the owner someone is trying).
import { createHash, randomBytes } from 'node:crypto';
import { timingSafeEqual, toBase32, toBase64Url, utf8 } from '../../shared/bytes.js';
import { formatPairingLink } from '../../shared/pairing-link.js';
import { SessionError } from '../../shared/session/errors.js';
import type { Clock } from '../clock.js';
import { RateLimiter } from '../rate-limit.js';
import { sourceKey } from '../source-key.js';
import type { DeviceRecord, DevicesRepo } from '../store/devices-repo.js';
import type { PairingRepo } from '../store/pairing-repo.js';

export const PAIRING_TTL_MS = 10 * 60_000;
/** Wrong codes one source may try per minute. */
export const PAIRING_FAILURES_PER_SOURCE = 5;
/** Wrong codes overall in 10 minutes before the owner is warned (never a block). */
export const PAIRING_FLOOD_WARNING = 30;

const hashCode = (code: string) => createHash('sha256').update(`lifeline-pairing:${code}`).digest('hex');

export function newPairingCode(): string {
  return toBase32(randomBytes(10)); // 80 bits, 16 characters
}

export class PairingService {
  private readonly perSource: RateLimiter;
  private readonly overall: RateLimiter;
  private warnedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly codes: PairingRepo,
    private readonly devices: DevicesRepo,
    private readonly clock: Clock,
    /** Many wrong codes from anywhere: tell the owner (at most once per 10 minutes). */
    private readonly onFlood: (failures: number, sources: number) => void = () => {},
  ) {
    this.perSource = new RateLimiter(PAIRING_FAILURES_PER_SOURCE, 60_000, clock);
    this.overall = new RateLimiter(Number.MAX_SAFE_INTEGER, 10 * 60_000, clock);
  }

  create(createdBy: string | null): { code: string; expiresAt: number } {
    const now = this.clock.now();
    this.codes.prune(now);
    const code = newPairingCode();
    const expiresAt = now + PAIRING_TTL_MS;
    this.codes.insert(hashCode(code), now, expiresAt, createdBy);
    return { code, expiresAt };
  }

  link(
    base: string,
    homeId: string,
    createdBy: string | null,
    standby?: string,
  ): { link: string; expiresAt: number } {
    const { code, expiresAt } = this.create(createdBy);
    return { link: formatPairingLink({ base, homeId, code, ...(standby ? { standby } : {}) }), expiresAt };
  }

  /**
   * Redeems a code for a device key; throws SessionError with a user-facing reason. `invitedBy` is
   * the device that asked for the code (null: `lifeline pair` at the agent's terminal).
   */
  redeem(
    code: string,
    device: { id: string; publicKey: Uint8Array; name: string; client: 'pwa' | 'ctl' },
    source: string,
  ): DeviceRecord & { invitedBy: string | null } {
    const key = sourceKey(source);
    const wait = this.perSource.retryAfterMs(key);
    if (wait > 0)
      throw new SessionError(
        'pairing-rate-limited',
        `too many wrong pairing codes from your address (${key}); try again in ${Math.ceil(wait / 1000)} s`,
      );
    const now = this.clock.now();
    const wanted = utf8(hashCode(code.trim().toLowerCase()));
    let match: { code_hash: string; created_by: string | null } | undefined;
    for (const row of this.codes.usable(now)) if (timingSafeEqual(utf8(row.code_hash), wanted)) match = row;
    if (!match || !this.codes.consume(match.code_hash, now, device.id)) {
      this.perSource.hit(key);
      this.overall.hit('*');
      this.sources.set(key, now);
      this.warnIfFlooded(now);
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
    return { ...record, lastSeenAt: null, revokedAt: null, invitedBy: match.created_by };
  }

  /** Sources of wrong codes in the last 10 minutes, for the warning. */
  private readonly sources = new Map<string, number>();

  private warnIfFlooded(now: number): void {
    for (const [key, at] of this.sources) if (now - at > 10 * 60_000) this.sources.delete(key);
    const failures = this.overall.count('*');
    if (failures < PAIRING_FLOOD_WARNING || now - this.warnedAt < 10 * 60_000) return;
    this.warnedAt = now;
    this.onFlood(failures, this.sources.size);
    this.sources.clear();
  }
}
