// Who gets a handshake seat. Before a device authenticates the agent cannot tell the owner from a
// stranger, so no stranger may hold what the owner needs: each path (direct, relay) has its own
// pool of pending handshakes, each source (an IPv4 address, an IPv6 /64) a small share of it and,
// on the direct endpoint, a connect rate. A full pool never turns a newcomer away: it drops an idle
// or the oldest handshake of the source holding the most seats, so idle or stalled sockets cannot
// keep the owner's phone or ctl out (the 66-socket lock-out), they only lose their own seats.
// A paired device proves itself in its hello with an admission pass (admission-pass.ts): it is then
// charged to the device instead of its address while the device has room in its own minute, and a
// connection its address's strangers have used up is let in on that minute (`enterRecognized`), so
// strangers behind the owner's own NAT cannot lock the owner out.
import type { Clock } from '../clock.js';
import { RateLimiter } from '../rate-limit.js';
import { sourceKey } from '../source-key.js';

export type SessionPath = 'direct' | 'relay';
export type SeatStage = 'hello' | 'auth';

export interface AdmissionLimits {
  /** Pending handshakes per path; the direct and the relay path each have this many. */
  pendingPerPath: number;
  /**
   * Pending handshakes one source may hold on one path once the pool is half full (a burst from
   * one address — a household behind one NAT, ctl scripts — is fine while there is room).
   */
  pendingPerSource: number;
  /** New direct connections per source per minute (the relay limits its own). */
  connectsPerMinute: number;
}

/** A handshake with no hello after this long is idle (a client sends its hello at once). */
const IDLE_MS = 1000;

export const DEFAULT_ADMISSION: AdmissionLimits = {
  pendingPerPath: 64,
  pendingPerSource: 8,
  connectsPerMinute: 120,
};

export interface Seat {
  /** The handshake moved on (a valid hello arrived): it is dropped after those still idle. */
  advance(stage: SeatStage): void;
  /**
   * Its hello carried this paired device's pass: the connection is charged to the device instead
   * of its address, while the device has room in its own minute.
   */
  recognized(deviceId: string): void;
  /** The handshake ended (a session, a refusal, or the socket closed). */
  leave(): void;
}

export type Refusal = { code: 'busy' | 'rate-limited'; message: string };

const rateLimited = (key: string): Refusal => ({
  code: 'rate-limited',
  message: `too many connections from your address (${key}) in the last minute; wait a minute and try again`,
});

interface Held {
  path: SessionPath;
  key: string;
  stage: SeatStage;
  since: number;
  evict: () => void;
}

export class Admission {
  private readonly held = new Set<Held>();
  private readonly connects: RateLimiter;
  /** Connections of each recognized device per minute: a device is held to what an address is. */
  private readonly deviceConnects: RateLimiter;

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly clock: Clock,
  ) {
    this.connects = new RateLimiter(limits.connectsPerMinute, 60_000, clock);
    this.deviceConnects = new RateLimiter(limits.connectsPerMinute, 60_000, clock, 1000);
  }

  /** A seat for a new connection, or why there is none; `evict` ends it if a newcomer needs it. */
  enter(path: SessionPath, source: string, evict: () => void): Seat | Refusal {
    const key = sourceKey(source);
    let mine = 0;
    let inPath = 0;
    for (const h of this.held)
      if (h.path === path) {
        inPath++;
        if (h.key === key) mine++;
      }
    // Its share first: a connection refused as busy takes nothing from the address's minute.
    if (mine >= this.limits.pendingPerSource && inPath >= this.limits.pendingPerPath / 2)
      return {
        code: 'busy',
        message: `${mine} connections from your address (${key}) are still opening; close them or wait a few seconds`,
      };
    if (path === 'direct' && !this.connects.take(key)) return rateLimited(key);
    // A paired device's connection is charged to the device instead, if the device has room.
    const recognized = (deviceId: string) => {
      if (path !== 'direct' || !this.deviceConnects.take(deviceId)) return;
      this.connects.refund(key);
    };
    return this.seat(path, key, 'hello', recognized, evict);
  }

  /**
   * A seat for a connection its address could not have (rate or share used up) whose hello carries
   * a paired device's pass: the device's own budget is what counts, refused in the address's words
   * (the answer must not tell devices apart). The pool's rules still hold, so a full pool drops a
   * stranger's handshake for it.
   */
  enterRecognized(path: SessionPath, source: string, deviceId: string, evict: () => void): Seat | Refusal {
    const key = sourceKey(source);
    if (!this.deviceConnects.take(deviceId)) return rateLimited(key);
    return this.seat(path, key, 'auth', () => {}, evict);
  }

  private seat(
    path: SessionPath,
    key: string,
    stage: SeatStage,
    recognized: (deviceId: string) => void,
    evict: () => void,
  ): Seat {
    let inPath = 0;
    for (const h of this.held) if (h.path === path) inPath++;
    if (inPath >= this.limits.pendingPerPath) this.evictOne(path);
    const held: Held = { path, key, stage, since: this.clock.now(), evict };
    this.held.add(held);
    let once = false;
    return {
      advance: (next) => {
        held.stage = next;
      },
      recognized: (deviceId) => {
        if (once) return;
        once = true;
        recognized(deviceId);
      },
      leave: () => {
        this.held.delete(held);
      },
    };
  }

  /** Pending handshakes per path (for metrics and tests). */
  pending(path: SessionPath): number {
    let n = 0;
    for (const h of this.held) if (h.path === path) n++;
    return n;
  }

  /**
   * Of the source holding the most seats on this path: a handshake idle past IDLE_MS (no hello
   * yet), else the oldest. A handshake just begun is the last to go, so a device that connects and
   * authenticates within its first second is not dropped for strangers arriving meanwhile.
   */
  private evictOne(path: SessionPath): void {
    const bySource = new Map<string, number>();
    for (const h of this.held) if (h.path === path) bySource.set(h.key, (bySource.get(h.key) ?? 0) + 1);
    let victim: Held | undefined;
    const now = this.clock.now();
    const idle = (h: Held) => (h.stage === 'hello' && now - h.since >= IDLE_MS ? 1 : 0);
    const rank = (h: Held) => [bySource.get(h.key) ?? 0, idle(h), -h.since];
    for (const h of this.held) {
      if (h.path !== path) continue;
      if (!victim) {
        victim = h;
        continue;
      }
      const [a, b] = [rank(h), rank(victim)];
      for (let i = 0; i < a.length; i++) {
        if (a[i]! === b[i]!) continue;
        if (a[i]! > b[i]!) victim = h;
        break;
      }
    }
    if (!victim) return;
    this.held.delete(victim);
    victim.evict();
  }
}
