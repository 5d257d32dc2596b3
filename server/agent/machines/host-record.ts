// One configured machine as the agent knows it: presence, the MAC last seen at its address, the
// wake in flight. Builds the `host` entity; remembers what must survive a restart in the kv store.
import type { HostInfo, HostNotice, HostPresence, HostWake } from '../../../shared/protocol/vocabulary.js';
import type { KvRepo } from '../../store/kv-repo.js';
import type { MachineConfig } from './config.js';
import { macWarnings, mismatchWarning, type SeenMac } from './mac-checks.js';
import type { Ipv4Network } from './networks.js';
import { routeWarning } from './targets.js';

interface Saved {
  seen: SeenMac | null;
  lastSeenAt: number | null;
  ip: string | null;
}

/** Rewrite the saved record at most this often while nothing but "last seen" moves. */
const SAVE_EVERY_MS = 5 * 60_000;

export class HostRecord {
  presence: HostPresence;
  seen: SeenMac | null;
  /** The last IP the address resolved to (kept when DNS fails). */
  ip: string | null;
  wake: HostWake | null = null;
  private savedAt = 0;
  private savedIdentity: string;
  private savedLastSeen: number | null;

  constructor(
    readonly config: MachineConfig,
    private readonly kv: KvRepo,
  ) {
    const saved = readSaved(kv, this.key);
    this.seen = saved?.seen ?? null;
    this.ip = saved?.ip ?? null;
    this.presence = {
      state: 'unknown',
      since: null,
      lastSeenAt: saved?.lastSeenAt ?? null,
      checkedAt: null,
      ...(config.address ? {} : { problem: noAddress() }),
    };
    this.savedIdentity = this.identity();
    this.savedLastSeen = this.presence.lastSeenAt;
  }

  get id(): string {
    return this.config.id;
  }

  get name(): string {
    return this.config.name ?? this.config.id;
  }

  get probeKind(): 'tcp' | 'icmp' | 'none' {
    if (!this.config.address) return 'none';
    return this.config.probe && 'tcp' in this.config.probe ? 'tcp' : 'icmp';
  }

  describeProbe(): string {
    const p = this.config.probe;
    return p && 'tcp' in p ? `tcp ${p.tcp}` : this.probeKind === 'icmp' ? 'ping' : 'no probe';
  }

  setPresence(next: Omit<HostPresence, 'since' | 'lastSeenAt'>, now: number): void {
    const changed = next.state !== this.presence.state;
    const wentAway = changed && this.presence.state === 'online';
    this.presence = {
      ...next,
      since: changed ? now : this.presence.since,
      lastSeenAt: next.state === 'online' ? now : this.presence.lastSeenAt,
    };
    this.persist(now, wentAway);
  }

  setSeen(seen: SeenMac, now: number): void {
    this.seen = seen;
    this.persist(now);
  }

  setIp(ip: string, now: number): void {
    this.ip = ip;
    this.persist(now);
  }

  warnings(nets: readonly Ipv4Network[]): HostNotice[] {
    const out = macWarnings(this.config.mac);
    const mismatch = mismatchWarning(this.config.mac, this.seen);
    if (mismatch) out.push(mismatch);
    const route = routeWarning(
      { broadcast: this.config.broadcast, address: this.ip ?? this.config.address ?? null },
      nets,
    );
    if (route) out.push(route);
    return out;
  }

  info(nets: readonly Ipv4Network[]): HostInfo {
    const p = this.config.probe;
    return {
      name: this.name,
      mac: this.config.mac,
      address: this.config.address ?? null,
      secureOn: this.config.secureOn !== undefined,
      probe: { kind: this.probeKind, ...(p && 'tcp' in p ? { port: p.tcp } : {}) },
      presence: this.presence,
      seen: this.seen,
      warnings: this.warnings(nets),
      wake: this.wake,
    };
  }

  private get key(): string {
    return `machines.${this.config.id}`;
  }

  private identity(): string {
    return JSON.stringify([this.seen?.mac ?? null, this.seen?.address ?? null, this.ip]);
  }

  /** Saves at once when the MAC or IP changes or the host goes away; "last seen" alone at most every few minutes. */
  private persist(now: number, force = false): void {
    const identity = this.identity();
    const lastSeenAt = this.presence.lastSeenAt;
    const moved = identity !== this.savedIdentity;
    const seenLater = lastSeenAt !== this.savedLastSeen && now - this.savedAt >= SAVE_EVERY_MS;
    if (!moved && !seenLater && !(force && lastSeenAt !== this.savedLastSeen)) return;
    const value: Saved = { seen: this.seen, lastSeenAt, ip: this.ip };
    this.kv.set(this.key, value);
    this.savedIdentity = identity;
    this.savedLastSeen = lastSeenAt;
    this.savedAt = now;
  }
}

function readSaved(kv: KvRepo, key: string): Saved | undefined {
  try {
    const v = kv.get<Saved>(key);
    return v && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}

export function noAddress(): HostNotice {
  return {
    code: 'no-address',
    message: 'no address configured: wakes cannot be verified and the MAC cannot be cross-checked',
  };
}
