// The relay: accepts agent links and client sessions, forwards ciphertext between them, watches
// for homes going dark, and delivers Web Push (VAPID added here; content encrypted by the agent).
import { chmodSync } from 'node:fs';
import type { Socket } from 'node:net';
import path from 'node:path';
import type WebSocket from 'ws';
import { fromBase64Url, utf8 } from '../../shared/bytes.js';
import type { LinkAuth } from '../../shared/protocol/relay-link.js';
import { CloseCode, type MessageTransport } from '../../shared/session/transport.js';
import { type Clock, systemClock } from '../clock.js';
import type { RelaySettings } from '../config/relay-settings.js';
import { createLogger, describeError, type Logger } from '../log.js';
import { RelayMetrics } from '../metrics.js';
import { fetchPost, type HttpPost } from '../notify/channels.js';
import { RateLimiter } from '../rate-limit.js';
import { sourceKey } from '../source-key.js';
import { ensureDataDir, openDatabase } from '../store/db.js';
import { AgentLink, type LinkControl } from './agent-link.js';
import { HomeWatch } from './home-watch.js';
import { composeNotice, type RelayNotice } from './notices.js';
import type { PassthroughRouter } from './passthrough.js';
import type { PassthroughTimings } from './passthrough-stream.js';
import { PushQueue } from './push-queue.js';
import {
  generateVapidKeys,
  httpsTransport,
  PushSender,
  type PushTransport,
  type VapidKeys,
} from './push-sender.js';
import { RELAY_MIGRATIONS, RelayStore } from './store.js';

const DAY = 86_400_000;
/** Authenticated sessions are the home's own devices; this only bounds memory. */
const MAX_STREAMS_PER_HOME = 1024;

export interface RelayOptions {
  settings: RelaySettings;
  dataDir: string;
  /** Homes served besides settings.homes (the embedded relay serves its own agent). */
  extraHomes?: readonly string[];
  clock?: Clock;
  log?: Logger;
  pushTransport?: PushTransport;
  post?: HttpPost;
  /** Pass-through streams' timings (tests shorten the stall limit). */
  passthrough?: PassthroughTimings;
  /**
   * One of several instances behind a load balancer hashing on SNI (relay.yaml `cluster:`): agents
   * with a name are asked to link with it as SNI, so their link lands where their phones' TLS does.
   */
  routeByName?: boolean;
}

export interface HomeStatus {
  homeId: string;
  online: boolean;
  lastSeenAt: number | null;
  lastAddress: string | null;
  offlineSince: number | null;
}

export class Relay implements PassthroughRouter {
  readonly vapid: VapidKeys;
  readonly metrics: RelayMetrics;
  private readonly links = new Map<string, AgentLink>();
  /** Name → home id, for the SNI pass-through: the names each linked agent asked for. */
  private readonly names = new Map<string, string>();
  /** Home id → the names it holds: a link going up or down touches its own names, not every home's. */
  private readonly namesHeld = new Map<string, string[]>();
  private readonly store: RelayStore;
  private readonly watch: HomeWatch;
  private readonly queue: PushQueue;
  private readonly clientLimiter: RateLimiter;
  private readonly agentLimiter: RateLimiter;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly served: Set<string>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private closing = false;

  constructor(private readonly opts: RelayOptions) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? createLogger('relay');
    ensureDataDir(opts.dataDir);
    const db = openDatabase(opts.dataDir, 'relay.db', RELAY_MIGRATIONS);
    chmodSync(path.join(opts.dataDir, 'relay.db'), 0o600);
    this.store = new RelayStore(db);
    const given = opts.settings.vapidKeys;
    this.vapid = given
      ? { ...given, subject: opts.settings.vapidSubject }
      : (this.store.kv.get<VapidKeys>('vapid') ?? generateVapidKeys(opts.settings.vapidSubject));
    if (this.vapid.subject !== opts.settings.vapidSubject)
      this.vapid = { ...this.vapid, subject: opts.settings.vapidSubject };
    this.store.kv.set('vapid', this.vapid);
    this.served = new Set([...opts.settings.homes, ...(opts.extraHomes ?? [])]);
    this.metrics = new RelayMetrics(() => {
      const homes = this.store.homeCounts();
      let sessions = 0;
      let pipes = 0;
      let buffered = 0;
      for (const l of this.links.values()) {
        sessions += l.streamCount;
        pipes += l.pipeCount;
        buffered += l.pipeBuffered;
      }
      return {
        links: this.links.size,
        sessions,
        pipes,
        buffered,
        homes: homes.homes,
        online: homes.online,
        queued: this.store.queueLength(),
      };
    });
    this.watch = new HomeWatch(this.store, opts.settings.offline, this.clock, (home, notice) =>
      this.notice(home, notice),
    );
    this.queue = new PushQueue(
      this.store,
      new PushSender(this.vapid, opts.pushTransport ?? httpsTransport()),
      opts.post ?? fetchPost,
      this.clock,
      this.log.child('push'),
      (homeId, subId, status, detail) => {
        this.metrics.pushDeliveries.inc({ outcome: status });
        this.links.get(homeId)?.sendControl({ t: 'push-status', sub: subId, status, detail });
      },
      (row) => {
        this.metrics.pushDeliveries.inc({ outcome: 'delivered' });
        if (row.sub_id && row.agent_id !== null)
          this.links
            .get(row.home_id)
            ?.sendControl({ t: 'push-status', sub: row.sub_id, status: 'delivered' });
      },
      () => this.metrics.pushDeliveries.inc({ outcome: 'retry' }),
    );
    this.clientLimiter = new RateLimiter(opts.settings.limits.connectsPerMinute, 60_000, this.clock);
    this.agentLimiter = new RateLimiter(opts.settings.limits.connectsPerMinute, 60_000, this.clock);
    // Homes still marked online were linked when the relay went down without a word (a crash, a
    // power cut). Count them offline from now: one that reconnects within the grace period raises
    // no alarm, one that never does is reported as any other.
    const now = this.clock.now();
    this.store.db.transaction(() => {
      for (const h of this.store.homes()) if (h.online === 1) this.watch.linkDown(h.id, now);
    })();
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
    this.queue.kick();
  }

  get vapidPublicKey(): string {
    return this.vapid.publicKey;
  }

  /** Sealed notices the relay holds for a home: what it can still say in home's name. */
  sealedLeft(homeId: string): number {
    return this.store.sealedCount(homeId);
  }

  serves(homeId: string): boolean {
    return this.served.has(homeId);
  }

  status(homeId: string): HomeStatus | undefined {
    const h = this.store.home(homeId);
    if (!h) return undefined;
    return {
      homeId,
      online: this.links.has(homeId),
      lastSeenAt: this.links.get(homeId)?.lastSeenAt ?? h.last_seen_at,
      lastAddress: h.last_address,
      offlineSince: h.offline_since,
    };
  }

  /** Which home a name routes to now (SNI pass-through). */
  homeForName(name: string): string | undefined {
    return this.names.get(name);
  }

  /** A phone's TLS connection for `name`: passed through to the home's agent, or refused. */
  pipe(name: string, socket: Socket, first: Buffer, source: string): { refused: string } | null {
    const homeId = this.names.get(name);
    const link = homeId ? this.links.get(homeId) : undefined;
    if (!link) return { refused: 'no home linked here serves that name' };
    if (link.pipeCount >= this.opts.settings.limits.pipesPerHome)
      return { refused: 'too many connections to this home' };
    link.openPipe(socket, first, source, name, this.opts.passthrough);
    return null;
  }

  acceptAgent(socket: WebSocket, address: string, host?: string): void {
    if (this.closing) {
      socket.close(CloseCode.shutdown, 'relay stopping');
      return;
    }
    if (!this.agentLimiter.take(sourceKey(address))) {
      socket.close(4429, 'too many connections');
      return;
    }
    const link = new AgentLink(
      socket,
      address,
      {
        admit: (homeId) =>
          this.served.has(homeId) ? null : `this relay does not serve home ${homeId}; add it to homes:`,
        welcome: () => ({
          observedAddress: address,
          vapidPublicKey: this.vapid.publicKey,
          // Three signs of life per offline window: one lost ping is never an outage.
          heartbeatSeconds: Math.max(1, Math.floor(this.opts.settings.offline.afterSeconds / 3)),
          ...(this.opts.routeByName ? { route: 'name' as const } : {}),
        }),
        up: (l, auth) => this.linkUp(l, auth),
        control: (l, frame) => this.control(l, frame),
        down: (l) => this.linkDown(l),
        gap: (ms) => this.metrics.heartbeatGap.observe(ms / 1000),
      },
      this.clock,
      this.log.child('relay-link'),
      host,
    );
    void link.authenticate().catch((err) => {
      this.log.warn(`agent link from ${address} failed: ${describeError(err)}`);
      socket.terminate();
    });
  }

  /** A client session for a home: forwarded over that home's link, or refused with the reason. */
  acceptClient(client: MessageTransport, homeId: string, address: string): void {
    if (this.closing) {
      client.close(CloseCode.shutdown, 'relay stopping');
      return;
    }
    const refusal = this.clientRefusal(homeId, address);
    if (refusal) {
      client.send(JSON.stringify({ t: 'error', code: refusal.code, message: refusal.message }));
      client.close(refusal.close, refusal.code);
      return;
    }
    const link = this.links.get(homeId)!;
    // Strangers cannot fill what the owner needs: a source gets a few unauthenticated streams, and
    // a full home drops a stranger's oldest for the newcomer (the agent marks its devices seated).
    if (link.pendingStreams() >= this.opts.settings.limits.sessionsPerHome) link.evictPending();
    link.openStream(client, address, sourceKey(address));
  }

  private clientRefusal(
    homeId: string,
    address: string,
  ): { code: string; message: string; close: number } | null {
    const key = sourceKey(address);
    if (!this.clientLimiter.take(key))
      return {
        code: 'rate-limited',
        message: `too many connections from your address (${key}); wait a minute`,
        close: 4429,
      };
    if (!this.served.has(homeId))
      return { code: 'unknown-home', message: 'this relay does not serve that home', close: 4404 };
    const link = this.links.get(homeId);
    if (!link) {
      const h = this.store.home(homeId);
      const since = h?.offline_since ? ` since ${new Date(h.offline_since).toISOString()}` : '';
      return { code: 'home-offline', message: `home is offline${since}`, close: 4404 };
    }
    // Per source once the home's opening sessions are half full: a burst from one address is fine
    // while there is room.
    const { pendingPerSource, sessionsPerHome } = this.opts.settings.limits;
    if (link.pendingStreams(key) >= pendingPerSource && link.pendingStreams() >= sessionsPerHome / 2)
      return {
        code: 'busy',
        message: `${pendingPerSource} connections from your address (${key}) are still opening; wait a few seconds`,
        close: 4429,
      };
    if (link.streamCount >= MAX_STREAMS_PER_HOME)
      return { code: 'busy', message: 'too many sessions for this home', close: 4429 };
    return null;
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    this.queue.stop();
    // Every home's "link down" in one transaction: one wait for the disk, not one per home (5000
    // links took 18 s to stop).
    this.store.db.transaction(() => {
      for (const link of [...this.links.values()]) link.terminate(CloseCode.shutdown, 'relay stopping');
    })();
    this.store.db.close();
  }

  private linkUp(link: AgentLink, auth: LinkAuth): string[] {
    const old = this.links.get(link.homeId);
    this.links.set(link.homeId, link);
    if (old) old.terminate(4409, 'replaced by a newer link');
    // One transaction, so one wait for the disk per link-up instead of one per write: a relay that
    // restarts has every home link up again at once.
    this.store.db.transaction(() => {
      this.store.upsertHome(link.homeId, auth.home.name, auth.home.timeZone);
      this.watch.linkUp(link.homeId, link.address);
    })();
    this.log.info(`home ${link.homeId.slice(0, 8)} connected from ${link.address}`);
    return this.claimNames(link.homeId, auth.names ?? []);
  }

  /** A name goes to the first linked home that asks for it; another home must wait until it unlinks. */
  private claimNames(homeId: string, asked: readonly string[]): string[] {
    this.releaseNames(homeId);
    const routed: string[] = [];
    for (const name of asked) {
      const owner = this.names.get(name);
      if (owner && owner !== homeId && this.links.has(owner)) {
        this.log.warn(`home ${homeId.slice(0, 8)} asked for ${name}, which another home holds`);
        continue;
      }
      this.names.set(name, homeId);
      routed.push(name);
    }
    this.namesHeld.set(homeId, routed);
    return routed;
  }

  private releaseNames(homeId: string): void {
    for (const name of this.namesHeld.get(homeId) ?? [])
      if (this.names.get(name) === homeId) this.names.delete(name);
    this.namesHeld.delete(homeId);
  }

  private linkDown(link: AgentLink): void {
    if (this.links.get(link.homeId) !== link) return;
    this.releaseNames(link.homeId);
    this.links.delete(link.homeId);
    this.watch.linkDown(link.homeId, link.lastSeenAt);
    this.log.info(`home ${link.homeId.slice(0, 8)} disconnected`);
  }

  private control(link: AgentLink, frame: LinkControl): void {
    const home = link.homeId;
    switch (frame.t) {
      case 'ping':
        link.sendControl({ t: 'pong', at: frame.at });
        return;
      case 'subs':
        this.store.setSubscriptions(home, frame.subs);
        return;
      case 'channels':
        this.store.setChannels(home, frame.channels);
        return;
      case 'expect':
        this.watch.expect(home, frame.until, frame.what);
        return;
      case 'sealed': {
        if (!this.store.subscription(home, frame.sub)) return;
        try {
          this.store.setSealed(home, frame.sub, frame.kind, frame.bodies.map(fromBase64Url));
        } catch {
          this.log.info(`ignored malformed sealed notices from ${home.slice(0, 8)}`);
        }
        return;
      }
      case 'deliver': {
        let body: Uint8Array;
        try {
          body = fromBase64Url(frame.body);
        } catch {
          link.sendControl({ t: 'ack', ids: [frame.id] });
          return;
        }
        const now = this.clock.now();
        this.store.enqueueFromAgent(home, frame.id, {
          sub_id: frame.sub,
          channel: null,
          body: Buffer.from(body),
          ttl: frame.ttl,
          urgency: frame.urgency,
          topic: frame.topic ?? null,
          next_at: now,
          created_at: now,
        });
        link.sendControl({ t: 'ack', ids: [frame.id] });
        this.queue.kick();
        return;
      }
    }
  }

  private tick(): void {
    const now = this.clock.now();
    const limit = this.opts.settings.offline.afterSeconds * 1000;
    // In one transaction: when many links go silent together (the relay's own network), one wait
    // for the disk for them all.
    this.store.db.transaction(() => {
      for (const link of [...this.links.values()]) {
        if (now - link.lastSeenAt > limit) {
          this.log.warn(`home ${link.homeId.slice(0, 8)} missed its heartbeats; link dropped`);
          link.terminate();
        }
      }
    })();
    this.watch.tick();
    if (now % (60 * 60_000) < 1000) this.store.pruneDelivered(now - 7 * DAY);
  }

  /**
   * The relay's own notice. To each subscription goes the next sealed notice the agent wrote for
   * it; with none left, an empty push, which the phone shows with fixed "from the relay" words.
   * Channels the owner marked for the relay get the relay's own text.
   */
  private notice(homeId: string, notice: RelayNotice): void {
    const home = this.store.home(homeId);
    if (!home) return;
    const now = this.clock.now();
    const facts = { name: home.name, timeZone: home.time_zone };
    const urgent = notice.kind === 'home.offline' || notice.kind === 'lifeline.cycle-lost';
    for (const sub of this.store.subscriptions(homeId)) {
      const body = this.store.takeSealed(homeId, sub.id, notice.kind) ?? Buffer.alloc(0);
      if (body.length === 0) this.log.info(`no sealed ${notice.kind} left for subscription ${sub.id}`);
      this.store.enqueue({
        home_id: homeId,
        sub_id: sub.id,
        channel: null,
        body,
        ttl: 24 * 3600,
        urgency: urgent ? 'high' : 'normal',
        topic: 'home-status',
        next_at: now,
        created_at: now,
      });
    }
    for (const channel of this.store.channels<{ id: string }>(homeId)) {
      const payload = composeNotice(notice, facts, 'en', now);
      const n = {
        title: payload.title,
        body: payload.body,
        priority: urgent ? 'high' : 'normal',
        kind: notice.kind,
      };
      this.store.enqueue({
        home_id: homeId,
        sub_id: null,
        channel: channel.id,
        body: Buffer.from(utf8(JSON.stringify(n))),
        ttl: 24 * 3600,
        urgency: 'high',
        topic: null,
        next_at: now,
        created_at: now,
      });
    }
    this.log.info(`${notice.kind} for ${homeId.slice(0, 8)}`);
    this.metrics.notices.inc({ kind: notice.kind });
    this.queue.kick();
  }
}
