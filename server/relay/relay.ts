// The relay: accepts agent links and client sessions, forwards ciphertext between them, watches
// for homes going dark, and delivers Web Push (VAPID added here; content encrypted by the agent).
import type { Socket } from 'node:net';
import os from 'node:os';
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
import { SqliteState } from './state/sqlite-state.js';
import type { NewQueueRow, RelayState } from './state/state.js';
import { StoreGuard } from './state/store-guard.js';

const DAY = 86_400_000;
/** Authenticated sessions are the home's own devices; this only bounds memory. */
const MAX_STREAMS_PER_HOME = 1024;
/** Cluster: each instance beats this often, and one silent for STALE_MS is dead. */
const HEARTBEAT_MS = 1000;
const STALE_MS = 4000;

/** relay.yaml `cluster:`: several instances share their state in PostgreSQL. */
export interface RelayCluster {
  database: string;
  /** This instance's name (logs, metrics, /healthz); default: the host name. */
  instance?: string | undefined;
  /** Tests shorten these. */
  heartbeatMs?: number;
  staleMs?: number;
}

type GaugeValues =
  Parameters<ConstructorParameters<typeof RelayMetrics>[0]> extends []
    ? ReturnType<ConstructorParameters<typeof RelayMetrics>[0]>
    : never;

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
  /** Shared state in PostgreSQL instead of relay.db (stand-alone relay only). */
  cluster?: RelayCluster | undefined;
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
  readonly metrics: RelayMetrics;
  /** This instance's name: 'local' for a single relay, the host name (or relay.yaml's) in a cluster. */
  readonly instance: string;
  private readonly links = new Map<string, AgentLink>();
  /** Name → home id, for the SNI pass-through: the names each linked agent asked for. */
  private readonly names = new Map<string, string>();
  /** Home id → the names it holds: a link going up or down touches its own names, not every home's. */
  private readonly namesHeld = new Map<string, string[]>();
  private closing = false;
  private readonly guard: StoreGuard;
  private readonly watch: HomeWatch;
  private readonly queue: PushQueue;
  /** Phones' connects per (source, home). */
  private readonly clientLimiter: RateLimiter;
  /** Phones' connects per source, all homes together. */
  private readonly sourceLimiter: RateLimiter;
  private readonly agentLimiter: RateLimiter;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly served: Set<string>;
  private readonly clock: Clock;
  private readonly log: Logger;
  /** What the gauges show: read from the store once a second, not on every scrape. */
  private counts = { homes: 0, online: 0, queued: 0 };
  private lastBeat = 0;

  /** Opens the store (waiting for PostgreSQL if it is not up yet) and starts the relay. */
  static async open(opts: RelayOptions): Promise<Relay> {
    const clock = opts.clock ?? systemClock;
    const log = opts.log ?? createLogger('relay');
    const instance = opts.cluster ? (opts.cluster.instance ?? os.hostname()) : 'local';
    let gauges: (() => GaugeValues) | undefined;
    const metrics = new RelayMetrics(
      () => gauges?.() ?? { links: 0, sessions: 0, pipes: 0, buffered: 0, homes: 0, online: 0, queued: 0 },
    );
    const guard = new StoreGuard(clock, log.child('store'), () => metrics.storeErrors.inc());
    // The PostgreSQL client loads only for a relay in a cluster.
    const state: RelayState = opts.cluster
      ? new (await import('./state/pg-state.js')).PgState({
          url: opts.cluster.database,
          onIdleError: () => metrics.storeErrors.inc(),
        })
      : new SqliteState(opts.dataDir);
    let previousBeat: number | undefined;
    const openStore = async () => {
      await state.open();
      if (opts.cluster) {
        previousBeat = await state.heartbeat(instance, clock.now());
        await state.releaseLeases(instance);
      }
      // A standby relay is given the primary's keys (phones subscribe with one key).
      const given = opts.settings.vapidKeys;
      if (given) {
        const keys = { ...given, subject: opts.settings.vapidSubject };
        await state.kvSet('vapid', keys);
        return keys;
      }
      // Every instance signs with the same keys: the first to start makes them.
      const keys = await state.kvSetIfAbsent('vapid', generateVapidKeys(opts.settings.vapidSubject));
      if (keys.subject === opts.settings.vapidSubject) return keys;
      const updated = { ...keys, subject: opts.settings.vapidSubject };
      await state.kvSet('vapid', updated);
      return updated;
    };
    // relay.db opens or fails at once; PostgreSQL may still be starting (compose, Kubernetes).
    let vapid = opts.cluster ? await guard.once('opening the store', openStore) : await openStore();
    for (let attempt = 0; vapid === undefined; attempt++) {
      await new Promise((r) => setTimeout(r, Math.min(5000, 500 * 2 ** attempt)));
      vapid = await guard.once('opening the store', openStore);
    }
    // Homes still marked online here were linked when this instance went down without a word (a
    // crash, a power cut). Count them offline since then: one that reconnects within the grace
    // period raises no alarm, one that never does is reported as any other.
    await state.instanceDown(instance, previousBeat ?? clock.now());
    const relay = new Relay(opts, state, vapid, { clock, log, instance, metrics, guard });
    gauges = () => relay.gauges();
    return relay;
  }

  private constructor(
    private readonly opts: RelayOptions,
    private readonly state: RelayState,
    readonly vapid: VapidKeys,
    parts: { clock: Clock; log: Logger; instance: string; metrics: RelayMetrics; guard: StoreGuard },
  ) {
    this.clock = parts.clock;
    this.log = parts.log;
    this.instance = parts.instance;
    this.metrics = parts.metrics;
    this.guard = parts.guard;
    this.served = new Set([...opts.settings.homes, ...(opts.extraHomes ?? [])]);
    const cluster = opts.cluster;
    this.watch = new HomeWatch(
      state,
      this.guard,
      opts.settings.offline,
      this.clock,
      (home, notice) => this.notice(home, notice),
      this.instance,
      cluster ? { instance: this.instance, staleMs: cluster.staleMs ?? STALE_MS } : undefined,
    );
    this.queue = new PushQueue({
      state,
      guard: this.guard,
      sender: new PushSender(this.vapid, opts.pushTransport ?? httpsTransport()),
      post: opts.post ?? fetchPost,
      clock: this.clock,
      log: this.log.child('push'),
      instance: this.instance,
      staleBefore: () => this.watch.staleBefore(),
      pollMs: cluster ? 1000 : 0,
      onSubscriptionProblem: (homeId, subId, status, detail) => {
        this.metrics.pushDeliveries.inc({ outcome: status });
        this.links.get(homeId)?.sendControl({ t: 'push-status', sub: subId, status, detail });
      },
      onDelivered: (row) => {
        this.metrics.pushDeliveries.inc({ outcome: 'delivered' });
        if (row.sub_id && row.agent_id !== null)
          this.links
            .get(row.home_id)
            ?.sendControl({ t: 'push-status', sub: row.sub_id, status: 'delivered' });
      },
      onRetry: () => this.metrics.pushDeliveries.inc({ outcome: 'retry' }),
    });
    this.clientLimiter = new RateLimiter(opts.settings.limits.connectsPerMinute, 60_000, this.clock);
    this.sourceLimiter = new RateLimiter(opts.settings.limits.sourceConnectsPerMinute, 60_000, this.clock);
    this.agentLimiter = new RateLimiter(opts.settings.limits.connectsPerMinute, 60_000, this.clock);
    this.timer = setInterval(() => void this.tick(), cluster?.heartbeatMs ?? HEARTBEAT_MS);
    this.timer.unref();
    void this.refreshCounts();
  }

  private gauges(): GaugeValues {
    let sessions = 0;
    let pipes = 0;
    let buffered = 0;
    for (const l of this.links.values()) {
      sessions += l.streamCount;
      pipes += l.pipeCount;
      buffered += l.pipeBuffered;
    }
    return { links: this.links.size, sessions, pipes, buffered, ...this.counts };
  }

  /**
   * More for /healthz in a cluster: this instance's name and whether the store answers (the relay
   * serves links and streams either way, so it stays healthy). A single relay says just ok.
   */
  health(): { instance?: string; store?: 'up' | 'down'; pendingWrites?: number } {
    if (!this.opts.cluster) return {};
    return {
      instance: this.instance,
      store: this.guard.reachable ? 'up' : 'down',
      pendingWrites: this.guard.pending,
    };
  }

  get vapidPublicKey(): string {
    return this.vapid.publicKey;
  }

  /** Sealed notices the relay holds for a home: what it can still say in home's name. */
  sealedLeft(homeId: string): Promise<number> {
    return this.state.sealedCount(homeId);
  }

  serves(homeId: string): boolean {
    return this.served.has(homeId);
  }

  async status(homeId: string): Promise<HomeStatus | undefined> {
    const h = await this.state.home(homeId);
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
      const send = (message: string) => {
        client.send(JSON.stringify({ t: 'error', code: refusal.code, message }));
        client.close(refusal.close, refusal.code);
      };
      if (refusal.code !== 'home-offline') send(refusal.message);
      else void this.offlineSince(homeId).then((since) => send(`${refusal.message}${since}`));
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
    const limited = {
      code: 'rate-limited',
      message: `too many connections from your address (${key}); wait a minute`,
      close: 4429,
    };
    // Counted per home, so a flood against one home from a shared address (a carrier NAT, a campus)
    // does not turn away that address's phones for other homes: what one home refuses is not
    // charged to the address. And per address in all, so no address can knock on every home; a
    // home this relay does not serve is charged to the address alone.
    if (!this.served.has(homeId))
      return this.sourceLimiter.take(key)
        ? { code: 'unknown-home', message: 'this relay does not serve that home', close: 4404 }
        : limited;
    const perHome = `${key} ${homeId}`;
    if (!this.clientLimiter.allowed(perHome) || !this.sourceLimiter.take(key)) return limited;
    this.clientLimiter.hit(perHome);
    const link = this.links.get(homeId);
    if (!link) return { code: 'home-offline', message: 'home is offline', close: 4404 };
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

  /** " since <time>" when the store knows, '' otherwise (it may be away: the answer goes on). */
  private async offlineSince(homeId: string): Promise<string> {
    const h = await this.guard.once('home status', () => this.state.home(homeId));
    return h?.offline_since ? ` since ${new Date(h.offline_since).toISOString()}` : '';
  }

  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.timer);
    await this.queue.stop();
    for (const link of [...this.links.values()]) link.terminate(CloseCode.shutdown, 'relay stopping');
    // Every home of this instance down in one statement, not one write per link (5000 links took
    // 18 s to stop that way).
    const now = this.clock.now();
    this.guard.persist('*', 'links down', () => this.state.instanceDown(this.instance, now));
    // The links' last writes ("down") go in if the store answers soon; a stuck store must not
    // hold the shutdown (the next start counts this instance's homes down anyway).
    await Promise.race([this.guard.settled(), new Promise((r) => setTimeout(r, 2000))]);
    this.guard.stop();
    await this.state.close();
  }

  /** Resolves once every write queued so far is in the store (tests). */
  settled(): Promise<void> {
    return this.guard.settled();
  }

  private linkUp(link: AgentLink, auth: LinkAuth): string[] {
    const old = this.links.get(link.homeId);
    this.links.set(link.homeId, link);
    if (old) old.terminate(4409, 'replaced by a newer link');
    this.watch.linkUp(link.homeId, link.address, { name: auth.home.name, timeZone: auth.home.timeZone });
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
    // A clean stop writes every link down at once (close()).
    if (!this.closing) this.watch.linkDown(link.homeId, link.lastSeenAt);
    this.log.info(`home ${link.homeId.slice(0, 8)} disconnected`);
  }

  private control(link: AgentLink, frame: LinkControl): void {
    const home = link.homeId;
    switch (frame.t) {
      case 'ping':
        link.sendControl({ t: 'pong', at: frame.at });
        return;
      case 'subs': {
        const subs = frame.subs;
        this.guard.persist(home, 'subscriptions', () => this.state.setSubscriptions(home, subs));
        return;
      }
      case 'channels': {
        const channels = frame.channels;
        this.guard.persist(home, 'channels', () => this.state.setChannels(home, channels));
        return;
      }
      case 'expect':
        this.watch.expect(home, frame.until, frame.what);
        return;
      case 'sealed': {
        let bodies: Uint8Array[];
        try {
          bodies = frame.bodies.map(fromBase64Url);
        } catch {
          this.log.info(`ignored malformed sealed notices from ${home.slice(0, 8)}`);
          return;
        }
        const { sub, kind } = frame;
        this.guard.persist(home, 'sealed notices', async () => {
          if (await this.state.subscription(home, sub)) await this.state.setSealed(home, sub, kind, bodies);
        });
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
        const row = {
          sub_id: frame.sub,
          channel: null,
          body: Buffer.from(body),
          ttl: frame.ttl,
          urgency: frame.urgency,
          topic: frame.topic ?? null,
          next_at: now,
          created_at: now,
        };
        const id = frame.id;
        // Acknowledged once committed: until then the agent keeps it and sends it again on its
        // next link (the delivered table drops the second copy).
        this.guard.persist(
          home,
          'push from home',
          () => this.state.enqueueFromAgent(home, id, row),
          () => {
            link.sendControl({ t: 'ack', ids: [id] });
            this.queue.kick();
          },
        );
        return;
      }
    }
  }

  private async tick(): Promise<void> {
    const now = this.clock.now();
    if (this.opts.cluster && now - this.lastBeat >= (this.opts.cluster.heartbeatMs ?? HEARTBEAT_MS) / 2) {
      this.lastBeat = now;
      await this.guard.once('heartbeat', () => this.state.heartbeat(this.instance, now));
      // Links alive here that others counted down (this instance's beats did not reach the store
      // for a while): up again, with "back" if "offline" went out meanwhile.
      const stray = await this.guard.once('links', () =>
        this.state.strayHomes(this.instance, [...this.links.keys()]),
      );
      for (const id of stray ?? []) {
        const link = this.links.get(id);
        if (link) this.watch.linkUp(id, link.address);
      }
    }
    const limit = this.opts.settings.offline.afterSeconds * 1000;
    for (const link of [...this.links.values()]) {
      if (now - link.lastSeenAt > limit) {
        this.log.warn(`home ${link.homeId.slice(0, 8)} missed its heartbeats; link dropped`);
        link.terminate();
      }
    }
    await this.watch.tick();
    if (now % (60 * 60_000) < 1000)
      await this.guard.once('prune', () => this.state.pruneDelivered(now - 7 * DAY));
    await this.refreshCounts();
  }

  private async refreshCounts(): Promise<void> {
    const counts = await this.guard.once('counts', () => this.state.homeCounts());
    const queued = await this.guard.once('counts', () => this.state.queueLength());
    if (counts) this.counts = { ...counts, queued: queued ?? this.counts.queued };
  }

  /**
   * The relay's own notice. To each subscription goes the next sealed notice the agent wrote for
   * it; with none left, an empty push, which the phone shows with fixed "from the relay" words.
   * Channels the owner marked for the relay get the relay's own text.
   */
  private notice(homeId: string, notice: RelayNotice): void {
    const now = this.clock.now();
    this.log.info(`${notice.kind} for ${homeId.slice(0, 8)}`);
    this.metrics.notices.inc({ kind: notice.kind });
    // Decided once (by the store) and then queued, retried until the store takes it; a sealed
    // notice taken by a try that failed later is used by the next try, not lost.
    const taken = new Map<string, Buffer>();
    this.guard.persist(
      homeId,
      notice.kind,
      async () => {
        const home = await this.state.home(homeId);
        if (!home) return;
        const facts = { name: home.name, timeZone: home.time_zone };
        const urgent = notice.kind === 'home.offline' || notice.kind === 'lifeline.cycle-lost';
        const rows: NewQueueRow[] = [];
        for (const sub of await this.state.subscriptions(homeId)) {
          const body =
            taken.get(sub.id) ??
            (await this.state.takeSealed(homeId, sub.id, notice.kind)) ??
            Buffer.alloc(0);
          taken.set(sub.id, body);
          if (body.length === 0) this.log.info(`no sealed ${notice.kind} left for subscription ${sub.id}`);
          rows.push({
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
        for (const channel of await this.state.channels<{ id: string }>(homeId)) {
          const payload = composeNotice(notice, facts, 'en', now);
          const n = {
            title: payload.title,
            body: payload.body,
            priority: urgent ? 'high' : 'normal',
            kind: notice.kind,
          };
          rows.push({
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
        await this.state.enqueue(rows);
      },
      () => this.queue.kick(),
    );
  }
}
