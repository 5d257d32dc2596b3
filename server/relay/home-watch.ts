// The dead-man's switch: a home whose agent stops talking is offline; if it stays offline past the
// grace period its owner is told ("offline since 11:44, last IP …"), and told again when it comes
// back ("back after 2 h, new IP …"). After a lifeline power-cycle the link is expected to drop:
// the watch waits for the announced deadline and reports either outcome.
import type { Clock } from '../clock.js';
import type { RelaySettings } from '../config/relay-settings.js';
import type { RelayNotice } from './notices.js';
import type { RelayStore } from './store.js';

export type Notify = (homeId: string, notice: RelayNotice) => void;

export class HomeWatch {
  constructor(
    private readonly store: RelayStore,
    private readonly settings: RelaySettings['offline'],
    private readonly clock: Clock,
    private readonly notify: Notify,
  ) {}

  linkUp(homeId: string, address: string): void {
    const now = this.clock.now();
    const home = this.store.home(homeId);
    if (!home) return;
    if (home.expect_until !== null && home.expect_dropped === 1) {
      this.notify(homeId, {
        kind: 'lifeline.cycle-back',
        downMs: now - (home.offline_since ?? now),
        what: home.expect_what ?? '',
      });
      this.store.updateHome(homeId, { expect_until: null, expect_what: null, expect_dropped: 0 });
    } else if (home.offline_notified === 1) {
      this.notify(homeId, {
        kind: 'home.back',
        downMs: now - (home.offline_since ?? now),
        ip: address,
        oldIp: home.last_address,
      });
    }
    this.store.updateHome(homeId, {
      online: 1,
      last_seen_at: now,
      last_address: address,
      offline_since: null,
      offline_notified: 0,
    });
  }

  linkDown(homeId: string, lastSeenAt: number): void {
    const home = this.store.home(homeId);
    if (!home || home.online === 0) return;
    this.store.updateHome(homeId, {
      online: 0,
      offline_since: lastSeenAt,
      last_seen_at: lastSeenAt,
      ...(home.expect_until !== null ? { expect_dropped: 1 } : {}),
    });
  }

  expect(homeId: string, until: number, what: string): void {
    this.store.updateHome(homeId, { expect_until: until, expect_what: what, expect_dropped: 0 });
  }

  /** Called every second or so: decides which notices are due. */
  tick(): void {
    const now = this.clock.now();
    for (const home of this.store.homesToWatch()) {
      const expecting = home.expect_until !== null;
      if (expecting && now >= home.expect_until!) {
        const what = home.expect_what ?? '';
        if (home.online === 1) this.notify(home.id, { kind: 'lifeline.cycle-kept', what });
        else this.notify(home.id, { kind: 'lifeline.cycle-lost', until: home.expect_until!, what });
        this.store.updateHome(home.id, {
          expect_until: null,
          expect_what: null,
          expect_dropped: 0,
          // After "did not come back" the owner knows it is offline; "back" follows when it returns.
          ...(home.online === 0 ? { offline_notified: 1 } : {}),
        });
        continue;
      }
      if (
        home.online === 0 &&
        home.offline_notified === 0 &&
        !expecting &&
        home.offline_since !== null &&
        // offline_since is the last sign of life, so a silent death is noticed after afterSeconds
        // and announced once graceSeconds have passed since that last sign.
        now - home.offline_since >= this.settings.graceSeconds * 1000
      ) {
        this.notify(home.id, { kind: 'home.offline', since: home.offline_since, lastIp: home.last_address });
        this.store.updateHome(home.id, { offline_notified: 1 });
      }
    }
  }
}
