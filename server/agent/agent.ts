// Wires the agent together: store, identity, state, guard, sessions and the capabilities.
// Knows no device or Docker details; each capability brings its own actions and state.
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { msg } from '../../shared/messages/say.js';
import type { Identity } from '../../shared/session/keys.js';
import { type Clock, systemClock } from '../clock.js';
import type { LoadedConfig } from '../config/load.js';
import { listenUrl, publicBaseUrl } from '../config/public-url.js';
import { namesOf } from '../http/origin-check.js';
import { connectSources } from '../http/security-headers.js';
import { createLogger, describeError, type Logger } from '../log.js';
import { AgentMetrics, metricsAccess } from '../metrics.js';
import type { HttpPost } from '../notify/channels.js';
import { AuditRepo } from '../store/audit-repo.js';
import { type Db, openDatabase } from '../store/db.js';
import { DevicesRepo } from '../store/devices-repo.js';
import { EventsRepo } from '../store/events-repo.js';
import { KvRepo } from '../store/kv-repo.js';
import { PairingRepo } from '../store/pairing-repo.js';
import { VERSION } from '../version.js';
import { ActionRegistry } from './actions.js';
import { createActivityCapability } from './activity/activity.js';
import { type CapabilityFactory, capabilitiesFor } from './capabilities.js';
import type { AgentContext, Capability, CheckRow } from './capability.js';
import { createDevicesCapability } from './devices/devices.js';
import { EventLog } from './event-log.js';
import { actAsAgent, Guard } from './guard.js';
import { hostBootTime } from './host-boot.js';
import { type ServeAgent, serveAgentAlone } from './http.js';
import { loadOrCreateAgentIdentity } from './identity.js';
import { LISTEN_PORT_KEY } from './listen-port.js';
import { createNotifier } from './notify/notify.js';
import { PairingService } from './pairing.js';
import { createPasskeys } from './passkeys/passkeys.js';
import { createRelayLink } from './relay-link/relay-link.js';
import { SessionHub } from './session-hub.js';
import { StateStore } from './state.js';
import { createStatusCapability } from './status/status.js';
import { type HttpsSide, isHttpsProvider } from './tls/https.js';

export interface AgentOptions {
  loaded: LoadedConfig;
  clock?: Clock;
  log?: Logger;
  clientDir?: string;
  /** Override the listen port (tests use 0). */
  port?: number;
  /** Extra capabilities (embedding, tests). */
  capabilities?: readonly CapabilityFactory[];
  /** Builds the HTTP server the agent listens on; by default it serves alone (`lifeline start` adds the relay). */
  serve?: ServeAgent;
  /** A relay is served on the agent's own listener (`lifeline start`): link to it unless relay.url says otherwise. */
  embeddedRelay?: boolean;
  /** false: no LAN HTTPS listener of its own (`lifeline start`'s pass-through port serves the name). */
  httpsListener?: boolean;
  /** Fallback-channel HTTP client (tests). */
  post?: HttpPost;
  /** When the host booted (tests pin it); by default from the kernel's uptime. */
  hostBootAt?: number;
}

export interface Agent {
  readonly identity: Identity;
  readonly homeId: string;
  readonly db: Db;
  readonly hub: SessionHub;
  readonly pairing: PairingService;
  readonly guard: Guard;
  readonly state: StateStore;
  readonly events: EventLog;
  readonly context: AgentContext;
  /** The HTTPS side of the one origin, when `tls:` is set. */
  readonly https: HttpsSide | undefined;
  /** Starts capabilities and listens; resolves with the URL it listens on. */
  listen(): Promise<string>;
  /** Starts capabilities without a listener (for `lifeline check` and embedding). */
  startCapabilities(): Promise<void>;
  check(): Promise<CheckRow[]>;
  publicUrl(): string;
  app: FastifyInstance;
  close(): Promise<void>;
}

export async function createAgent(opts: AgentOptions): Promise<Agent> {
  const { config, dataDir } = opts.loaded;
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger('agent');
  // The key first: a data folder that has a database but lost its key must stop here (identity.ts).
  const { identity } = await loadOrCreateAgentIdentity(dataDir);
  const db = openDatabase(dataDir);
  const kv = new KvRepo(db);
  const audit = new AuditRepo(db);
  // Challenges live in memory: a request still waiting for its confirmation when the agent stopped
  // can no longer be confirmed, so it ends now, as interrupted, rather than waiting in the log for good.
  const stale = audit.interruptPending(clock.now() + 1, clock.now());
  if (stale > 0)
    log.info(`${stale} request(s) left waiting for a confirmation at the last stop: marked interrupted`);
  const devicesRepo = new DevicesRepo(db);
  const state = new StateStore(clock);
  const events = new EventLog(new EventsRepo(db), clock);
  const registry = new ActionRegistry();
  const metrics = new AgentMetrics();
  const guard = new Guard(registry, audit, clock, log.child('guard'), metrics);
  const pairing = new PairingService(new PairingRepo(db), devicesRepo, clock, (failures, sources) =>
    events.append({
      kind: 'devices.pairing-flood',
      severity: 'warning',
      message: msg('devices.pairingFlood', { failures, sources }),
      data: { failures, sources },
    }),
  );

  const context: AgentContext = {
    config,
    configDir: path.dirname(opts.loaded.file),
    dataDir,
    homeId: identity.id,
    state,
    events,
    kv,
    db,
    clock,
    log,
    metrics,
    hostBootAt: opts.hostBootAt ?? hostBootTime(clock.now()),
    hostRoot: config.host?.root ?? '/',
    act: (spec, call, rule) => actAsAgent(guard, spec, call, rule),
  };
  let boundPort = config.listen.port;
  const publicUrl = () => publicBaseUrl(config, boundPort);

  let hub: SessionHub;
  const devices = createDevicesCapability(context, {
    repo: devicesRepo,
    pairing,
    sessions: () => hub,
    guard: () => guard,
    get publicUrl() {
      return publicUrl();
    },
  });
  const passkeys = createPasskeys(context, { devices: devicesRepo, publicUrl });
  guard.usePasskeys(passkeys.gate);
  hub = new SessionHub({
    identity,
    homeName: config.home.name,
    version: VERSION,
    devices: devicesRepo,
    pairing,
    guard,
    state,
    events,
    clock,
    log: log.child('session'),
    kv,
    onDeviceChange: (id) => devices.presence(id),
  });

  const notifier = createNotifier(context, { ...(opts.post ? { post: opts.post } : {}) });
  // The HTTPS side of the one origin, when a capability holds a certificate (tls/https.ts).
  let https: HttpsSide | undefined;
  const relayBase =
    config.relay?.url ?? (opts.embeddedRelay ? () => `ws://127.0.0.1:${boundPort}` : undefined);
  const relayLink = relayBase
    ? createRelayLink(context, {
        url: typeof relayBase === 'string' ? () => relayBase : relayBase,
        ...(config.relay?.standby ? { standby: () => config.relay?.standby ?? '' } : {}),
        identity,
        hub,
        notifier,
        heartbeatMs: (config.relay?.heartbeatSeconds ?? 10) * 1000,
        names: () => (https ? [https.name] : []),
        tls: () => https?.sink,
      })
    : undefined;
  const capabilities: Capability[] = [
    devices,
    passkeys,
    createActivityCapability(context, audit),
    notifier,
    createStatusCapability(context),
    ...(await capabilitiesFor(context)),
    ...(opts.capabilities ?? []).map((make) => make(context)),
  ];
  // The link starts last: by then every capability's state is there to be served through it.
  const linkCapability = relayLink;
  for (const c of capabilities) registry.register(...c.actions);

  const app = await (opts.serve ?? serveAgentAlone)({
    homeId: identity.id,
    accept: (transport, source, path = 'direct') => hub.accept(transport, { path, source }),
    metrics: metrics.registry,
    metricsAllowed: metricsAccess(config.metrics.allow),
    tls: config.listen.tls,
    trustProxy: config.relayServer?.trustProxy ?? [],
    clientDir: opts.clientDir,
    origins: {
      names: namesOf([
        publicUrl(),
        config.relay?.url,
        config.relay?.standby,
        config.tls ? `https://${config.tls.name}` : undefined,
      ]),
      connect: connectSources([config.publicUrl, config.relay?.url, config.relay?.standby]),
    },
  });
  https = capabilities.find(isHttpsProvider)?.https(app.server, { listener: opts.httpsListener ?? true });
  metrics.sessions(() => hub.countByPath());
  metrics.gauge('lifeline_outbox_pending', 'Notifications waiting to leave the house', () =>
    notifier.outbox.count(),
  );

  let started = false;
  const startCapabilities = async () => {
    if (started) return;
    started = true;
    const interrupted = audit.closeInterrupted(clock.now());
    if (interrupted > 0)
      log.warn(`${interrupted} command(s) were cut off by the last stop; marked as interrupted`);
    for (const c of capabilities) {
      try {
        await c.start();
      } catch (err) {
        // A capability that cannot start is degraded, never fatal (SPEC §7.1).
        log.error(`${c.name} failed to start: ${describeError(err)}`);
      }
    }
  };

  return {
    identity,
    homeId: identity.id,
    db,
    hub,
    pairing,
    guard,
    state,
    events,
    context,
    https,
    app,
    publicUrl,
    startCapabilities,
    async listen() {
      await startCapabilities();
      const address = await app.listen({ host: config.listen.host, port: opts.port ?? config.listen.port });
      boundPort = Number(new URL(address).port);
      // `lifeline pair` reads it: its links point at the port this agent really listens on (-p).
      kv.set(LISTEN_PORT_KEY, boundPort);
      await https?.listen();
      await linkCapability?.start();
      return listenUrl(config, boundPort);
    },
    async check() {
      const rows: CheckRow[] = [];
      for (const c of [...capabilities, ...(linkCapability ? [linkCapability] : [])])
        if (c.check) rows.push(...(await c.check()));
      return rows;
    },
    async close() {
      await linkCapability?.stop();
      hub.closeAll();
      for (const c of [...capabilities].reverse()) {
        try {
          await c.stop();
        } catch (err) {
          log.warn(`${c.name} did not stop cleanly: ${describeError(err)}`);
        }
      }
      await https?.close();
      await app.close();
      db.close();
    },
  };
}
