// The dead-man's switch: a home whose agent stops talking is offline; if it stays offline past the
// grace period its owner is told ("offline since 11:44, last IP …"), and told again when it comes
// back ("back after 2 h, new IP …"). After a lifeline power-cycle the link is expected to drop:
// the watch waits for the announced deadline and reports either outcome.
// Several instances may watch the same homes (cluster): the store decides which one sends each
// notice, and the links of an instance that stopped beating count as down since its last beat, so
// a home whose agent relinks to another instance within the grace raises no notice at all.
import type { Clock } from '../clock.js';
import type { RelaySettings } from '../config/relay-settings.js';
import type { RelayNotice } from './notices.js';
import type { HomeFacts, HomeRow, RelayState } from './state/state.js';
import type { StoreGuard } from './state/store-guard.js';

export type Notify = (homeId: string, notice: RelayNotice) => void;

export interface WatchCluster {
  instance: string;
  /** An instance whose heartbeat is older than this is dead. */
  staleMs: number;
}

export class HomeWatch {
  private ticking = false;

  constructor(
    private readonly state: RelayState,
    private readonly guard: StoreGuard,
    private readonly settings: RelaySettings['offline'],
    private readonly clock: Clock,
    private readonly notify: Notify,
    /** This instance's name ('local' for one relay) and, in a cluster, when others count as dead. */
    readonly instance: string,
    private readonly cluster?: WatchCluster,
  ) {}

  /** The link is up here (after `upsertHome`, in the same per-home order). */
  linkUp(homeId: string, address: string, facts?: HomeFacts): void {
    const now = this.clock.now();
    this.guard.persist(
      homeId,
      'home link up',
      () => this.state.linkUp(homeId, this.instance, address, now, facts),
      (before) => before && this.announceBack(before, address, now),
    );
  }

  private announceBack(home: HomeRow, address: string, now: number): void {
    if (home.expect_until !== null && home.expect_dropped === 1)
      this.notify(home.id, {
        kind: 'lifeline.cycle-back',
        downMs: now - (home.offline_since ?? now),
        what: home.expect_what ?? '',
      });
    else if (home.offline_notified === 1)
      this.notify(home.id, {
        kind: 'home.back',
        downMs: now - (home.offline_since ?? now),
        ip: address,
        oldIp: home.last_address,
      });
  }

  linkDown(homeId: string, lastSeenAt: number): void {
    this.guard.persist(homeId, 'home link down', () =>
      this.state.linkDown(homeId, this.instance, lastSeenAt),
    );
  }

  expect(homeId: string, until: number, what: string): void {
    this.guard.persist(homeId, 'power-cycle expectation', () => this.state.expect(homeId, until, what));
  }

  /**
   * Instances whose heartbeat is older than this count as dead — judged only once this instance
   * has reached the store for longer than that itself, so a store outage (when every heartbeat
   * stops) kills no one. null: not now.
   */
  staleBefore(): number | null {
    if (!this.cluster || this.guard.healthyForMs() < this.cluster.staleMs) return null;
    return this.clock.now() - this.cluster.staleMs;
  }

  /** Called every second or so: decides which notices are due. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const now = this.clock.now();
      const stale = this.staleBefore();
      if (stale !== null) await this.guard.once('dead instances', () => this.state.reapDeadInstances(stale));
      for (const home of (await this.guard.once('expectations', () => this.state.claimExpectations(now))) ??
        []) {
        const what = home.expect_what ?? '';
        if (home.online === 1) this.notify(home.id, { kind: 'lifeline.cycle-kept', what });
        else this.notify(home.id, { kind: 'lifeline.cycle-lost', until: home.expect_until!, what });
      }
      // offline_since is the last sign of life, so a silent death is noticed after afterSeconds
      // and announced once graceSeconds have passed since that last sign.
      const grace = this.settings.graceSeconds * 1000;
      for (const home of (await this.guard.once('offline homes', () =>
        this.state.claimOffline(now, grace),
      )) ?? [])
        this.notify(home.id, { kind: 'home.offline', since: home.offline_since!, lastIp: home.last_address });
    } finally {
      this.ticking = false;
    }
  }
}
