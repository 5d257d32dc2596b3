// A wake: send the magic packet, then probe until the machine answers or the timeout passes,
// reporting each stage live (sent → waiting → up / no-answer). A second Wake for the same host
// while one is in flight sends again and follows the same verification.
import type { HostNotice, HostWake, WakeStage, WakeTarget } from '../../../shared/protocol/entities/index.js';
import { LifelineError } from '../../../shared/protocol/errors.js';
import type { Clock } from '../../clock.js';
import { likelyCauses } from './causes.js';
import type { HostRecord } from './host-record.js';
import { mismatchWarning } from './mac-checks.js';
import { magicPacket } from './magic-packet.js';
import type { HostObserver, WolNet } from './observe.js';
import type { ProbeResult } from './probe.js';
import { planTargets } from './targets.js';

export type Progress = (stage: string, message?: string, data?: Record<string, unknown>) => void;

export interface WakeTimings {
  /** How often verification starts a probe. */
  probeEveryMs: number;
  probeTimeoutMs: number;
  /** Probes in flight at once while waiting (a sleeping host makes each one last the full timeout). */
  maxProbesInFlight: number;
}

export interface WakeOutcome {
  host: string;
  stage: Extract<WakeStage, 'up' | 'no-answer' | 'unverified'>;
  mac: string;
  seconds: number;
  sentTo: WakeTarget[];
  answer?: string;
  notes: HostNotice[];
}

export interface WakeDeps {
  net: WolNet;
  observer: HostObserver;
  clock: Clock;
  timings: WakeTimings;
  /** Publishes the host entity after each change. */
  publish(host: HostRecord): void;
  /** Appends host.woke / host.wake-failed. */
  finished(host: HostRecord, outcome: WakeOutcome, by: string): void;
}

interface Flight {
  listeners: Set<Progress>;
  deadline: number;
  done: Promise<WakeOutcome>;
}

export class Waker {
  private readonly flights = new Map<string, Flight>();
  private readonly stopping = new AbortController();

  constructor(private readonly deps: WakeDeps) {}

  inFlight(hostId: string): boolean {
    return this.flights.has(hostId);
  }

  stop(): void {
    this.stopping.abort();
  }

  async wake(
    host: HostRecord,
    opts: { by: string; mac: string; progress: Progress; signal?: AbortSignal },
  ): Promise<WakeOutcome> {
    const { clock } = this.deps;
    const sentTo = await this.send(host, opts.mac);
    const timeoutMs = host.config.wakeTimeoutSeconds * 1000;
    const existing = this.flights.get(host.id);
    if (existing) {
      // Already waking: the packets went out again; follow the same verification, for longer.
      existing.deadline = Math.max(existing.deadline, clock.now() + timeoutMs);
      existing.listeners.add(opts.progress);
      opts.progress('sent', sentMessage(host, sentTo), { mac: opts.mac, sentTo });
      try {
        return await existing.done;
      } finally {
        existing.listeners.delete(opts.progress);
      }
    }

    const startedAt = clock.now();
    const flight: Flight = {
      listeners: new Set([opts.progress]),
      deadline: startedAt + timeoutMs,
      done: undefined as unknown as Promise<WakeOutcome>,
    };
    const wake: HostWake = {
      stage: 'sent',
      startedAt,
      finishedAt: null,
      elapsedSeconds: 0,
      timeoutSeconds: host.config.wakeTimeoutSeconds,
      by: opts.by,
      mac: opts.mac,
      sentTo,
      notes: [],
    };
    let current = wake;
    const report = (
      stage: WakeStage,
      message: string,
      data: Record<string, unknown>,
      patch: Partial<HostWake> = {},
    ) => {
      current = { ...current, ...patch, stage };
      host.wake = current;
      this.deps.publish(host);
      for (const l of flight.listeners) l(stage, message, data);
    };
    report('sent', sentMessage(host, sentTo), { mac: opts.mac, sentTo });
    flight.done = this.verify(host, flight, wake, report, opts.signal);
    this.flights.set(host.id, flight);
    try {
      const outcome = await flight.done;
      this.deps.finished(host, outcome, opts.by);
      return outcome;
    } finally {
      this.flights.delete(host.id);
    }
  }

  private async send(host: HostRecord, mac: string): Promise<WakeTarget[]> {
    const { net, observer } = this.deps;
    const where = await observer.address(host);
    const targets = planTargets(
      { broadcast: host.config.broadcast, unicast: 'ip' in where ? where.ip : null },
      net.networks(),
    );
    if (targets.length === 0)
      throw new LifelineError(
        'failed',
        'nowhere to send the magic packet: this machine has no IPv4 network with a broadcast address; set broadcast: in the host',
      );
    let sentTo: WakeTarget[];
    try {
      const packet = magicPacket(mac, host.config.secureOn);
      ({ sentTo } = await net.sender.send(packet, targets, host.config.ports, this.stopping.signal));
    } catch (err) {
      throw new LifelineError(
        'failed',
        `could not open a UDP socket: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
    if (sentTo.every((t) => t.error))
      throw new LifelineError(
        'failed',
        `the magic packet could not be sent: ${sentTo.map((t) => `${t.address}: ${t.error}`).join('; ')}`,
      );
    return sentTo;
  }

  private async verify(
    host: HostRecord,
    flight: Flight,
    wake: HostWake,
    report: (
      stage: WakeStage,
      message: string,
      data: Record<string, unknown>,
      patch?: Partial<HostWake>,
    ) => void,
    signal: AbortSignal | undefined,
  ): Promise<WakeOutcome> {
    const { clock, observer, net, timings } = this.deps;
    const base = { host: host.id, mac: wake.mac, sentTo: wake.sentTo };
    const elapsed = () => Math.round((clock.now() - wake.startedAt) / 1000);
    if (!host.config.address) {
      const notes = [
        { code: 'no-address', message: 'no address configured, so the wake cannot be verified' },
      ];
      report(
        'unverified',
        `${host.name}: magic packet sent; no address to verify the wake`,
        { notes },
        {
          finishedAt: clock.now(),
          notes,
        },
      );
      return { ...base, stage: 'unverified', seconds: 0, notes };
    }

    let answered: ((r: ProbeResult & { up: true }) => void) | undefined;
    let unprobeable: HostNotice | undefined;
    const up = new Promise<ProbeResult & { up: true }>((resolve) => {
      answered = resolve;
    });
    let inFlight = 0;
    const launch = () => {
      if (inFlight >= timings.maxProbesInFlight) return;
      inFlight++;
      void observer.probe(host, timings.probeTimeoutMs).then(
        (r) => {
          inFlight--;
          if (r.up === true) answered?.(r);
          else if (r.up === null) unprobeable = r.problem;
        },
        () => {
          inFlight--;
        },
      );
    };

    const stopped = [this.stopping.signal, ...(signal ? [signal] : [])];
    const aborted = new Promise<null>((resolve) => {
      for (const s of stopped) s.addEventListener('abort', () => resolve(null), { once: true });
    });
    for (;;) {
      if (stopped.some((s) => s.aborted)) throw new LifelineError('failed', 'the agent is stopping');
      if (unprobeable) {
        const notes = [unprobeable];
        report(
          'unverified',
          `${host.name}: magic packet sent; the wake cannot be verified: ${unprobeable.message}`,
          { notes },
          {
            finishedAt: clock.now(),
            notes,
          },
        );
        return { ...base, stage: 'unverified', seconds: elapsed(), notes };
      }
      if (clock.now() >= flight.deadline) break;
      launch();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timings.probeEveryMs);
      });
      const r = await Promise.race([up, tick, aborted]);
      clearTimeout(timer);
      if (r) {
        const seconds = elapsed();
        await observer.crossCheck(host);
        observer.apply(host, r);
        const other = mismatchWarning(wake.mac, host.seen);
        const notes = other ? [{ ...other, code: 'answered-by-other-mac' }] : [];
        report(
          'up',
          `${host.name} answered after ${seconds} s (${r.answer})`,
          { seconds, answer: r.answer, notes },
          {
            finishedAt: clock.now(),
            elapsedSeconds: seconds,
            answer: r.answer,
            notes,
          },
        );
        return { ...base, stage: 'up', seconds, answer: r.answer, notes };
      }
      const seconds = elapsed();
      report(
        'waiting',
        `Waiting for ${host.name}… ${seconds} s`,
        { elapsedSeconds: seconds, timeoutSeconds: wake.timeoutSeconds },
        {
          elapsedSeconds: seconds,
        },
      );
    }

    const seconds = elapsed();
    await observer.crossCheck(host);
    observer.apply(host, { up: false, detail: 'no answer' });
    const causes = likelyCauses(host, wake.mac, wake.sentTo, net.networks());
    report(
      'no-answer',
      `${host.name} did not answer within ${seconds} s`,
      { seconds, causes },
      {
        finishedAt: clock.now(),
        elapsedSeconds: seconds,
        notes: causes,
      },
    );
    return { ...base, stage: 'no-answer', seconds, notes: causes };
  }
}

function sentMessage(host: HostRecord, sentTo: readonly WakeTarget[]): string {
  const where = sentTo
    .filter((t) => !t.error)
    .map((t) => `${t.address}${t.interface ? ` (${t.interface})` : ''}`)
    .join(', ');
  return `Magic packet for ${host.name} sent to ${where}`;
}
