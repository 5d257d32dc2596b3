// Prometheus metrics for the agent and the relay (prom-client). Served at /metrics, by default to
// loopback only: counts of homes, sessions and failures are nobody else's business.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class AgentMetrics {
  readonly registry = new Registry();
  readonly commands = new Counter({
    name: 'lifeline_commands_total',
    help: 'Commands by action and outcome (ok, error, refused, confirm-required)',
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly refusals = new Counter({
    name: 'lifeline_guard_refusals_total',
    help: 'Commands the guard refused, by action and reason code',
    labelNames: ['action', 'code'] as const,
    registers: [this.registry],
  });
  readonly deviceLatency = new Histogram({
    name: 'lifeline_device_request_seconds',
    help: 'Time taken by requests to devices (plugs, Docker engines, hosts), by kind, driver and result',
    labelNames: ['kind', 'driver', 'result'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  readonly pushQueued = new Counter({
    name: 'lifeline_push_queued_total',
    help: 'Notifications put in the outbox, by target (push or channel)',
    labelNames: ['target'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'lifeline_agent_' });
  }

  /** Sessions open now, by path, read when scraped. */
  sessions(read: () => Record<'direct' | 'relay', number>): void {
    new Gauge({
      name: 'lifeline_sessions_open',
      help: 'Open device sessions, by path',
      labelNames: ['path'] as const,
      registers: [this.registry],
      collect() {
        const n = read();
        this.set({ path: 'direct' }, n.direct);
        this.set({ path: 'relay' }, n.relay);
      },
    });
  }

  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
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
  readonly registry = new Registry();
  readonly pushDeliveries = new Counter({
    name: 'lifeline_relay_push_deliveries_total',
    help: 'Push and channel deliveries by outcome (delivered, gone, too-large, rejected, retry)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly heartbeatGap = new Histogram({
    name: 'lifeline_relay_heartbeat_gap_seconds',
    help: 'Time between consecutive signs of life from an agent',
    buckets: [1, 2, 5, 10, 15, 20, 25, 30, 60, 120],
    registers: [this.registry],
  });
  readonly notices = new Counter({
    name: 'lifeline_relay_notices_total',
    help: "The relay's own notices by kind (home.offline, home.back, lifeline.*)",
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor(
    read: () => { links: number; sessions: number; homes: number; online: number; queued: number },
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'lifeline_relay_' });
    const gauges: [string, string, (r: ReturnType<typeof read>) => number][] = [
      ['lifeline_relay_agent_links', 'Agents linked now', (r) => r.links],
      ['lifeline_relay_sessions_open', 'Client sessions forwarded now', (r) => r.sessions],
      ['lifeline_relay_homes', 'Homes known to the relay', (r) => r.homes],
      ['lifeline_relay_homes_online', 'Homes online now', (r) => r.online],
      ['lifeline_relay_push_queue', 'Messages waiting in the push queue', (r) => r.queued],
    ];
    for (const [name, help, pick] of gauges)
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(pick(read()));
        },
      });
  }
}

/** Who may scrape /metrics: loopback always, plus the configured addresses or CIDRs. */
export function metricsAccess(allow: readonly string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const entry of allow) {
    const [addr, bits] = entry.split('/');
    const type = isIPv6(addr ?? '') ? 'ipv6' : 'ipv4';
    if (!addr || !(isIPv4(addr) || isIPv6(addr))) continue;
    if (bits !== undefined) list.addSubnet(addr, Number(bits), type);
    else list.addAddress(addr, type);
  }
  return (ip) => {
    const plain = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
    if (plain === '127.0.0.1' || plain === '::1' || plain.startsWith('127.')) return true;
    return list.check(plain, isIPv6(plain) ? 'ipv6' : 'ipv4');
  };
}
