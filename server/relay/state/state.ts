// What the relay keeps, behind one asynchronous interface: SQLite in relay.db for one relay
// (sqlite-state.ts), PostgreSQL shared by several instances (pg-state.ts). Every method that
// decides something ("send the offline notice", "deliver this push") is one atomic step in the
// store, so two instances asking at once get one yes between them.

export interface HomeRow {
  id: string;
  name: string;
  time_zone: string;
  online: number;
  /** The instance holding the home's link while online ('local' for a single relay). */
  link_instance: string | null;
  last_seen_at: number | null;
  last_address: string | null;
  offline_since: number | null;
  offline_notified: number;
  expect_until: number | null;
  expect_what: string | null;
  expect_dropped: number;
}

export interface HomeFacts {
  name: string;
  timeZone: string;
}

export interface SubscriptionRow {
  home_id: string;
  id: string;
  endpoint: string;
}

export interface QueueRow {
  id: number;
  home_id: string;
  sub_id: string | null;
  channel: string | null;
  body: Buffer;
  ttl: number;
  urgency: string;
  topic: string | null;
  agent_id: number | null;
  attempts: number;
  next_at: number;
  created_at: number;
}

export type NewQueueRow = Omit<QueueRow, 'id' | 'agent_id' | 'attempts'>;

export interface ClaimOptions {
  leaseMs: number;
  limit: number;
  /** Rows claimed by an instance whose heartbeat is older than this are free again; null: none are. */
  staleBefore: number | null;
}

export interface RelayState {
  readonly kind: 'sqlite' | 'postgres';
  /** Creates or migrates the schema (idempotent; one instance at a time). */
  open(): Promise<void>;
  close(): Promise<void>;

  /** Small durable facts as JSON. */
  kvGet<T>(key: string): Promise<T | undefined>;
  kvSet(key: string, value: unknown): Promise<void>;
  /** Stores `value` unless the key has one; returns what is stored (the same on every instance). */
  kvSetIfAbsent<T>(key: string, value: T): Promise<T>;

  home(id: string): Promise<HomeRow | undefined>;
  homes(): Promise<HomeRow[]>;
  homeCounts(): Promise<{ homes: number; online: number }>;
  upsertHome(id: string, name: string, timeZone: string): Promise<void>;

  /**
   * This instance holds the home's link now (`facts`: the agent's name and time zone, written in
   * the same transaction). Returns the row as it was before (null: unknown
   * home); an expectation the drop fulfilled is cleared in the same step.
   */
  linkUp(
    id: string,
    instance: string,
    address: string,
    now: number,
    facts?: HomeFacts,
  ): Promise<HomeRow | null>;
  /** The link held by `instance` dropped; false when another instance holds it (or it was down). */
  linkDown(id: string, instance: string, lastSeenAt: number): Promise<boolean>;
  /** Every home `instance` held counts as down since `since` (it stopped without a word). */
  instanceDown(instance: string, since: number): Promise<void>;
  /**
   * Homes held by instances whose heartbeat is older than `staleBefore` count as down since that
   * heartbeat; returns how many.
   */
  reapDeadInstances(staleBefore: number): Promise<number>;
  /**
   * Of `ids` (the links this instance holds), those the store counts as down while naming this
   * instance: others took it for dead (its heartbeats did not get through), the link is alive.
   */
  strayHomes(instance: string, ids: readonly string[]): Promise<string[]>;
  expect(id: string, until: number, what: string): Promise<void>;
  /** Offline homes past the grace and not yet announced: marked announced, returned (once). */
  claimOffline(now: number, graceMs: number): Promise<HomeRow[]>;
  /** Expectations that came due: cleared and returned as they were (once). */
  claimExpectations(now: number): Promise<HomeRow[]>;

  /** This instance is alive (cluster mode); returns its previous heartbeat, if any. */
  heartbeat(instance: string, now: number): Promise<number | undefined>;

  setSubscriptions(homeId: string, subs: Omit<SubscriptionRow, 'home_id'>[]): Promise<void>;
  subscriptions(homeId: string): Promise<SubscriptionRow[]>;
  subscription(homeId: string, id: string): Promise<SubscriptionRow | undefined>;
  /** A push service said the subscription is gone: forget it and everything queued for it. */
  dropSubscription(homeId: string, id: string): Promise<void>;
  setChannels(homeId: string, list: unknown[]): Promise<void>;
  channels<T>(homeId: string): Promise<T[]>;

  setSealed(homeId: string, subId: string, kind: string, bodies: readonly Uint8Array[]): Promise<void>;
  sealedCount(homeId: string): Promise<number>;
  /** The next sealed notice of a kind for a subscription, used up as it is taken. */
  takeSealed(homeId: string, subId: string, kind: string): Promise<Buffer | undefined>;

  /** An agent's delivery, unless its outbox id was taken before (one transaction); true if new. */
  enqueueFromAgent(homeId: string, agentId: number, row: Omit<NewQueueRow, 'home_id'>): Promise<boolean>;
  enqueue(rows: readonly NewQueueRow[]): Promise<void>;
  /**
   * Due rows, each handed to exactly one caller across instances until `done` or `retryAt`; a
   * row claimed by an instance that dies (or after `leaseMs`) can be claimed again.
   */
  claimDue(instance: string, now: number, opts: ClaimOptions): Promise<QueueRow[]>;
  /** Rows this instance held before it restarted are free again. */
  releaseLeases(instance: string): Promise<void>;
  done(id: number): Promise<void>;
  retryAt(id: number, at: number): Promise<void>;
  queueLength(): Promise<number>;
  nextDueAt(): Promise<number | undefined>;
  pruneDelivered(before: number): Promise<void>;
}
