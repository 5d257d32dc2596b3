// A wake: send the magic packet, then probe until the machine answers or the timeout passes,
// reporting each stage live (sent → waiting → up / no-answer). A second Wake for the same host
// while one is in flight sends again and follows the same verification.

import { fail, msg } from '../../../shared/messages/say.js';
import type { MessageRef, Text } from '../../../shared/protocol/message.js';
import type { HostNotice, HostWake, WakeStage, WakeTarget } from '../../../shared/protocol/vocabulary.js';
import type { Clock } from '../../clock.js';
import { likelyCauses } from './causes.js';
import type { HostRecord } from './host-record.js';
import { mismatchWarning } from './mac-checks.js';
import { magicPacket } from './magic-packet.js';
import type { HostObserver, WolNet } from './observe.js';
import type { ProbeResult } from './probe.js';
import { planTargets } from './targets.js';

export type Progress = (stage: string, message?: Text, data?: Record<string, unknown>) => void;

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

/** One host's wake in progress: its state (the entity's `wake`), who follows it, its deadline. */
class Flight {
  readonly listeners = new Set<Progress>();
  deadline: number;
  done!: Promise<WakeOutcome>;

  constructor(
    private readonly host: HostRecord,
    public state: HostWake,
    private readonly publish: (host: HostRecord) => void,
  ) {
    this.deadline = state.startedAt + state.timeoutSeconds * 1000;
  }

  report(stage: WakeStage, message: Text, data: Record<string, unknown>, patch: Partial<HostWake> = {}) {
    this.state = { ...this.state, ...patch, stage };
    this.host.wake = this.state;
    this.publish(this.host);
    for (const l of this.listeners) l(stage, message, data);
  }
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
    const sent = { mac: opts.mac, sentTo };
    const existing = this.flights.get(host.id);
    if (existing) {
      // Already waking: the packets went out again; follow the same verification, for longer,
      // and verify against the MAC sent last (a retry with the MAC seen at the address).
      existing.deadline = Math.max(existing.deadline, clock.now() + host.config.wakeTimeoutSeconds * 1000);
      existing.listeners.add(opts.progress);
      existing.report('sent', sentMessage(host, sentTo), sent, {
        ...sent,
        timeoutSeconds: Math.round((existing.deadline - existing.state.startedAt) / 1000),
      });
      try {
        return await existing.done;
      } finally {
        existing.listeners.delete(opts.progress);
      }
    }

    const flight = new Flight(
      host,
      {
        stage: 'sent',
        startedAt: clock.now(),
        finishedAt: null,
        elapsedSeconds: 0,
        timeoutSeconds: host.config.wakeTimeoutSeconds,
        by: opts.by,
        ...sent,
        notes: [],
      },
      this.deps.publish,
    );
    flight.listeners.add(opts.progress);
    flight.report('sent', sentMessage(host, sentTo), sent);
    flight.done = this.verify(host, flight, opts.signal);
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
    if (targets.length === 0) throw fail('failed', msg('machines.no-target'));
    let sentTo: WakeTarget[];
    try {
      const packet = magicPacket(mac, host.config.secureOn);
      ({ sentTo } = await net.sender.send(packet, targets, host.config.ports, this.stopping.signal));
    } catch (err) {
      throw fail(
        'failed',
        msg('machines.no-socket', { code: (err as NodeJS.ErrnoException).code ?? 'error' }),
      );
    }
    if (sentTo.every((t) => t.error))
      throw fail(
        'failed',
        msg('machines.send-failed-all', { detail: sentTo.map((t) => `${t.address}: ${t.error}`).join('; ') }),
      );
    return sentTo;
  }

  private async verify(
    host: HostRecord,
    flight: Flight,
    signal: AbortSignal | undefined,
  ): Promise<WakeOutcome> {
    const { clock } = this.deps;
    const elapsed = () => Math.round((clock.now() - flight.state.startedAt) / 1000);
    const finish = (
      stage: WakeOutcome['stage'],
      message: Text,
      extra: { notes: HostNotice[]; answer?: string },
    ): WakeOutcome => {
      const seconds = elapsed();
      const data = stage === 'no-answer' ? { seconds, causes: extra.notes } : { seconds, ...extra };
      flight.report(stage, message, data, { finishedAt: clock.now(), elapsedSeconds: seconds, ...extra });
      const { mac, sentTo } = flight.state;
      return { host: host.id, stage, mac, sentTo, seconds, ...extra };
    };

    if (!host.config.address)
      return finish(
        'unverified',
        msg('machines.progress.unverified', { name: host.name, cause: 'machines.notice.no-address' }),
        { notes: [{ code: 'no-address', message: 'no address configured, so the wake cannot be verified' }] },
      );

    const answer = await this.waitForAnswer(host, flight, signal);
    if (answer.up === true) {
      await this.deps.observer.crossCheck(host);
      this.deps.observer.apply(host, answer);
      const other = mismatchWarning(flight.state.mac, host.seen);
      return finish(
        'up',
        answer.answerMsg
          ? msg('machines.progress.up.how', {
              ...answer.answerMsg.params,
              name: host.name,
              seconds: elapsed(),
              how: answer.answerMsg.key,
            })
          : msg('machines.progress.up', { name: host.name, seconds: elapsed() }),
        {
          answer: answer.answer,
          notes: other ? [{ ...other, code: 'answered-by-other-mac' }] : [],
        },
      );
    }
    if (answer.up === null)
      return finish(
        'unverified',
        msg('machines.progress.unverified', {
          ...answer.problem.params,
          name: host.name,
          cause: `machines.notice.${answer.problem.code}`,
        }),
        {
          notes: [answer.problem],
        },
      );
    await this.deps.observer.crossCheck(host);
    this.deps.observer.apply(host, answer);
    const causes = likelyCauses(host, flight.state.mac, flight.state.sentTo, this.deps.net.networks());
    return finish('no-answer', msg('machines.progress.no-answer', { name: host.name, seconds: elapsed() }), {
      notes: causes,
    });
  }

  /**
   * Starts a probe every tick (a few may be in flight: against a sleeping host each lasts its full
   * timeout) and reports "waiting" until one answers, the probe cannot run, or the deadline passes.
   */
  private async waitForAnswer(
    host: HostRecord,
    flight: Flight,
    signal: AbortSignal | undefined,
  ): Promise<ProbeResult> {
    const { clock, observer, timings } = this.deps;
    const signals = [this.stopping.signal, ...(signal ? [signal] : [])];
    let wakeUp: (r: ProbeResult | null) => void = () => {};
    let settled: ProbeResult | null = null;
    let inFlight = 0;
    const onAbort = () => wakeUp(null);
    for (const s of signals) s.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (signals.some((s) => s.aborted)) throw fail('failed', msg('machines.stopping'));
        if (settled) return settled;
        if (clock.now() >= flight.deadline) return { up: false, detail: 'no answer' };
        if (inFlight < timings.maxProbesInFlight) {
          inFlight++;
          void observer.probe(host, timings.probeTimeoutMs).then(
            (r) => {
              inFlight--;
              if (r.up !== false && !settled) {
                settled = r;
                wakeUp(r);
              }
            },
            () => {
              inFlight--;
            },
          );
        }
        let timer: ReturnType<typeof setTimeout> | undefined;
        await new Promise<ProbeResult | null>((resolve) => {
          wakeUp = resolve;
          timer = setTimeout(() => resolve(null), timings.probeEveryMs);
        });
        clearTimeout(timer);
        if (settled || signals.some((s) => s.aborted)) continue;
        const seconds = Math.round((clock.now() - flight.state.startedAt) / 1000);
        flight.report(
          'waiting',
          msg('machines.progress.waiting', { name: host.name, seconds }),
          { elapsedSeconds: seconds, timeoutSeconds: flight.state.timeoutSeconds },
          { elapsedSeconds: seconds },
        );
      }
    } finally {
      for (const s of signals) s.removeEventListener('abort', onAbort);
    }
  }
}

function sentMessage(host: HostRecord, sentTo: readonly WakeTarget[]): MessageRef {
  const where = sentTo
    .filter((t) => !t.error)
    .map((t) => `${t.address}${t.interface ? ` (${t.interface})` : ''}`)
    .join(', ');
  return msg('machines.progress.sent', { name: host.name, targets: where });
}
