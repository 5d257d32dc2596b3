// Looks at one host: resolve its address, probe it, and read the neighbour table for the MAC that
// answers there. Shared by the presence loop, wake verification and `lifeline check`.
import type { HostNotice } from '../../../shared/protocol/vocabulary.js';
import type { Clock } from '../../clock.js';
import { describeError } from '../../log.js';
import type { HostRecord } from './host-record.js';
import type { SeenMac } from './mac-checks.js';
import { macAt, type NeighbourRead, type NeighbourTable } from './neighbours.js';
import type { Ipv4Network } from './networks.js';
import type { ProbeResult, Prober } from './probe.js';
import type { Resolve } from './resolve.js';
import type { PacketSender } from './sender.js';

/** Every side effect of the capability, so tests and benchmarks can hand in their own. */
export interface WolNet {
  networks(): Ipv4Network[];
  sender: PacketSender;
  prober: Prober;
  neighbours: NeighbourTable;
  resolve: Resolve;
}

export class HostObserver {
  private cache: { at: number; read: Promise<NeighbourRead> } | null = null;
  private readonly stopping = new AbortController();

  constructor(
    private readonly net: WolNet,
    private readonly clock: Clock,
    private readonly probeTimeoutMs: number,
    /** Called when the MAC seen at a host's address changes. */
    private readonly onSeen: (host: HostRecord, previous: SeenMac | null) => void = () => {},
  ) {}

  /** Ends every probe in flight (their sockets and ping processes) at once. */
  stop(): void {
    this.stopping.abort();
  }

  /** The neighbour table, read at most once a second however many hosts ask. */
  neighbours(): Promise<NeighbourRead> {
    const now = this.clock.now();
    if (!this.cache || now - this.cache.at > 1000)
      this.cache = {
        at: now,
        read: this.net.neighbours.read().catch((err) => ({
          ok: false as const,
          problem: {
            code: 'neighbours-unavailable',
            message: describeError(err),
            params: { detail: describeError(err) },
          },
        })),
      };
    return this.cache.read;
  }

  async address(host: HostRecord): Promise<{ ip: string } | { problem: HostNotice }> {
    const name = host.config.address;
    if (!name) return { problem: { code: 'no-address', message: 'no address configured' } };
    try {
      const ip = await this.net.resolve(name);
      if (ip !== host.ip) host.setIp(ip, this.clock.now());
      return { ip };
    } catch (err) {
      // DNS may be what is broken today: keep using the last address that worked.
      if (host.ip) return { ip: host.ip };
      return {
        problem: {
          code: 'unresolved',
          message: `${name} does not resolve (${describeError(err)}); use an IP address`,
          params: { address: name },
        },
      };
    }
  }

  async probe(host: HostRecord, timeoutMs = this.probeTimeoutMs): Promise<ProbeResult> {
    const where = await this.address(host);
    if ('problem' in where) return { up: null, problem: where.problem };
    const p = host.config.probe;
    try {
      return p && 'tcp' in p
        ? await this.net.prober.tcp(where.ip, p.tcp, timeoutMs, this.stopping.signal)
        : await this.net.prober.icmp(where.ip, timeoutMs, this.stopping.signal);
    } catch (err) {
      return {
        up: null,
        problem: {
          code: 'probe-failed',
          message: describeError(err),
          params: { detail: describeError(err) },
        },
      };
    }
  }

  /** Records the MAC the neighbour table shows at the host's IP; true when it changed. */
  async crossCheck(host: HostRecord): Promise<boolean> {
    if (!host.ip) return false;
    const table = await this.neighbours();
    if (!table.ok) return false;
    const entry = macAt(table.entries, host.ip);
    if (!entry) return false;
    const previous = host.seen;
    const changed = previous?.mac !== entry.mac || previous.address !== entry.address;
    host.setSeen({ mac: entry.mac, address: entry.address, at: this.clock.now() }, this.clock.now());
    if (changed) this.onSeen(host, previous);
    return changed;
  }

  /** One presence observation: probe, then the MAC cross-check, then the host's presence. */
  async observe(host: HostRecord): Promise<ProbeResult> {
    const result = await this.probe(host);
    await this.crossCheck(host);
    this.apply(host, result);
    return result;
  }

  apply(host: HostRecord, result: ProbeResult): void {
    const now = this.clock.now();
    if (result.up === true) host.setPresence({ state: 'online', checkedAt: now, answer: result.answer }, now);
    else if (result.up === false) host.setPresence({ state: 'offline', checkedAt: now }, now);
    else host.setPresence({ state: 'unknown', checkedAt: now, problem: result.problem }, now);
  }
}
