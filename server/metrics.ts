// Prometheus metrics for the agent and the relay. Served at /metrics, by default to loopback only:
// counts of homes, sessions and failures are nobody else's business. prom-client itself loads on
// the first scrape (metrics-registry.ts).
import { addressList, plainAddress } from './address-list.js';
import { Counter, Gauge, Histogram, MetricsRegistry } from './metrics-registry.js';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class AgentMetrics {
  readonly registry = new MetricsRegistry('lifeline_agent_');
  readonly commands = this.registry.add(
    new Counter(
      'lifeline_commands_total',
      'Commands by action and outcome (ok, error, refused, confirm-required)',
    ),
  );
  readonly refusals = this.registry.add(
    new Counter('lifeline_guard_refusals_total', 'Commands the guard refused, by action and reason code'),
  );
  readonly deviceLatency = this.registry.add(
    new Histogram(
      'lifeline_device_request_seconds',
      'Time taken by requests to devices (plugs, Docker engines, hosts), by kind, driver and result',
      LATENCY_BUCKETS,
      true,
    ),
  );
  readonly pushQueued = this.registry.add(
    new Counter('lifeline_push_queued_total', 'Notifications put in the outbox, by target (push or channel)'),
  );

  /** Sessions open now, by path, read when scraped. */
  sessions(read: () => Record<'direct' | 'relay', number>): void {
    this.registry.add(
      new Gauge('lifeline_sessions_open', 'Open device sessions, by path', () => {
        const n = read();
        return [
          { labels: { path: 'direct' }, value: n.direct },
          { labels: { path: 'relay' }, value: n.relay },
        ];
      }),
    );
  }

  /** The agent's links to its relays (the primary, and the standby if any): 1 up, 0 down. */
  relayLinks(read: () => { role: string; up: boolean }[]): void {
    this.registry.add(
      new Gauge(
        'lifeline_relay_link_up',
        'Whether the link to each relay is up, by role (primary, standby)',
        () => read().map((l) => ({ labels: { role: l.role }, value: l.up ? 1 : 0 })),
      ),
    );
  }

  gauge(name: string, help: string, read: () => number): void {
    this.registry.add(new Gauge(name, help, () => [{ labels: {}, value: read() }]));
  }

  /** Times a device call and records it; the call's own result or error passes through. */
  async timeDevice<T>(kind: string, driver: string, call: () => Promise<T>): Promise<T> {
    const end = this.deviceLatency.startTimer({ kind, driver });
    try {
      const r = await call();
      end({ result: 'ok' });
      return r;
    } catch (err) {
      end({ result: 'error' });
      throw err;
    }
  }
}

export class RelayMetrics {
  readonly registry = new MetricsRegistry('lifeline_relay_');
  readonly pushDeliveries = this.registry.add(
    new Counter(
      'lifeline_relay_push_deliveries_total',
      'Push and channel deliveries by outcome (delivered, gone, too-large, rejected, retry)',
    ),
  );
  readonly heartbeatGap = this.registry.add(
    new Histogram(
      'lifeline_relay_heartbeat_gap_seconds',
      'Time between consecutive signs of life from an agent',
      [1, 2, 5, 10, 15, 20, 25, 30, 60, 120],
      false,
    ),
  );
  readonly passthrough = this.registry.add(
    new Counter(
      'lifeline_relay_tls_connections_total',
      'Connections to the pass-through port by outcome (piped, fallback, refused, not-tls, bad-proxy-header, timeout, limited)',
    ),
  );
  readonly notices = this.registry.add(
    new Counter(
      'lifeline_relay_notices_total',
      "The relay's own notices by kind (home.offline, home.back, lifeline.*)",
    ),
  );
  readonly storeErrors = this.registry.add(
    new Counter(
      'lifeline_relay_store_errors_total',
      "Operations on the relay's store (relay.db or PostgreSQL) that failed and are retried or skipped",
    ),
  );

  constructor(
    read: () => {
      links: number;
      sessions: number;
      pipes: number;
      buffered: number;
      homes: number;
      online: number;
      queued: number;
    },
  ) {
    const gauges: [string, string, (r: ReturnType<typeof read>) => number][] = [
      ['lifeline_relay_agent_links', 'Agents linked now', (r) => r.links],
      ['lifeline_relay_sessions_open', 'Client sessions forwarded now', (r) => r.sessions],
      ['lifeline_relay_tls_streams_open', "Phones' TLS connections passed through now", (r) => r.pipes],
      [
        'lifeline_relay_tls_stream_buffered_bytes',
        'Bytes the relay holds for passed-through TLS connections',
        (r) => r.buffered,
      ],
      ['lifeline_relay_homes', 'Homes known to the relay', (r) => r.homes],
      ['lifeline_relay_homes_online', 'Homes online now', (r) => r.online],
      ['lifeline_relay_push_queue', 'Messages waiting in the push queue', (r) => r.queued],
    ];
    for (const [name, help, pick] of gauges)
      this.registry.add(new Gauge(name, help, () => [{ labels: {}, value: pick(read()) }]));
  }
}

/** Who may scrape /metrics: loopback always, plus the configured addresses or CIDRs. */
export function metricsAccess(allow: readonly string[]): (ip: string) => boolean {
  const listed = addressList(allow);
  return (ip) => {
    const plain = plainAddress(ip);
    if (plain === '::1' || plain.startsWith('127.')) return true;
    return listed(plain);
  };
}
