// Judges each sample against the rules of the `host:` config and says when an alert is raised or
// cleared, as values the agent turns into notifications: each with a message descriptor, the top
// consumers it names (with their growth), and the English text.
import type { ContainerUsage } from '../../../shared/protocol/containers.js';
import type { HostAlert, HostRule, HostVitals } from '../../../shared/protocol/host.js';
import type { MessageRef } from '../../../shared/protocol/message.js';
import type { HostSettings, RuleSettings } from './config.js';
import { initialState, step, type ThresholdState, type Thresholds } from './hysteresis.js';
import { type HostMessageKey, message, renderWithConsumers } from './messages.js';
import { byCpu, byGrowth, byIo, byMemory } from './top-consumers.js';

export interface HostTransition {
  kind: 'alert' | 'clear';
  rule: HostRule;
  /** `` for the host, the mount point for diskUsed, `<engine>/<name>` for containerMemory. */
  subject: string;
  at: number;
  /** When the condition began. */
  since: number;
  message: MessageRef;
  consumers: MessageRef[];
  text: string;
}

/** One rule's reading of one subject, and how to word it. */
interface Observation {
  rule: HostRule;
  subject: string;
  value: number | null;
  thresholds: Thresholds;
  /** Params of the messages; `name`/`mount` also word the "gone" clear. */
  params: Record<string, string | number>;
  alertKey: HostMessageKey;
  clearKey: HostMessageKey;
  goneKey?: HostMessageKey;
  consumers: MessageRef[];
}

const MiB = 1024 * 1024;
const CONSUMERS_NAMED = 3;

/** Worth saying "and grew …": at least 16 MB and 5 % of what it uses. */
const grewNotably = (u: ContainerUsage) =>
  u.memoryGrowthBytes !== null && u.memoryGrowthBytes >= Math.max(16 * MiB, u.memoryBytes * 0.05);

function memoryConsumer(u: ContainerUsage): MessageRef {
  return grewNotably(u)
    ? message('host.consumer.memoryGrowth', {
        name: u.name,
        memoryBytes: u.memoryBytes,
        growthBytes: u.memoryGrowthBytes!,
        windowMs: u.growthWindowMs,
      })
    : message('host.consumer.memory', { name: u.name, memoryBytes: u.memoryBytes });
}

/** The biggest users, and the fastest grower even when it is not (yet) among them. */
export function memoryConsumers(all: ContainerUsage[]): MessageRef[] {
  const top = [...all]
    .filter((u) => u.memoryBytes > 0)
    .sort(byMemory)
    .slice(0, CONSUMERS_NAMED);
  const grower = [...all].filter(grewNotably).sort(byGrowth)[0];
  if (grower && !top.includes(grower)) top.push(grower);
  return top.map(memoryConsumer);
}

function cpuConsumers(all: ContainerUsage[]): MessageRef[] {
  return [...all]
    .filter((u) => (u.cpuPercent ?? 0) >= 1)
    .sort(byCpu)
    .slice(0, CONSUMERS_NAMED)
    .map((u) => message('host.consumer.cpu', { name: u.name, cpuPercent: u.cpuPercent! }));
}

function ioConsumers(all: ContainerUsage[], writersOnly = false): MessageRef[] {
  return [...all]
    .filter((u) => (u.writeBytesPerSec ?? 0) + (writersOnly ? 0 : (u.readBytesPerSec ?? 0)) >= 64 * 1024)
    .sort(byIo)
    .slice(0, writersOnly ? 2 : CONSUMERS_NAMED)
    .map((u) =>
      message('host.consumer.io', {
        name: u.name,
        readBytesPerSec: u.readBytesPerSec ?? 0,
        writeBytesPerSec: u.writeBytesPerSec ?? 0,
      }),
    );
}

const thresholds = (r: RuleSettings, direction: 'above' | 'below'): Thresholds => ({
  direction,
  alert: r.alert,
  clear: r.clear,
  forMs: r.forSeconds * 1000,
  clearMs: r.clearSeconds * 1000,
});

function observe(rules: HostSettings['rules'], v: HostVitals, containers: ContainerUsage[]): Observation[] {
  const out: Observation[] = [];
  const host = (
    rule: HostRule,
    r: RuleSettings,
    direction: 'above' | 'below',
    value: number | null,
    params: Record<string, string | number>,
    consumers: () => MessageRef[],
  ) =>
    out.push({
      rule,
      subject: '',
      value,
      thresholds: thresholds(r, direction),
      params: { ...params, ...(value !== null ? { percent: value } : {}) },
      alertKey: `host.${rule}.alert` as HostMessageKey,
      clearKey: `host.${rule}.clear` as HostMessageKey,
      // Consumers are worded only when a message is actually made.
      get consumers() {
        return consumers();
      },
    });
  const { memoryPressure, memoryAvailable, swapUsed, diskUsed, cpuPressure, ioPressure, containerMemory } =
    rules;
  if (memoryPressure)
    host(
      'memoryPressure',
      memoryPressure,
      'above',
      v.pressure.memory?.[memoryPressure.line]?.avg10 ?? null,
      {},
      () => memoryConsumers(containers),
    );
  // Host-wide rules are observed even without a reading (null holds an alert as it is): a file
  // that cannot be read for a moment must not read as "cleared".
  if (memoryAvailable)
    host(
      'memoryAvailable',
      memoryAvailable,
      'below',
      v.memory?.availablePercent ?? null,
      { availableBytes: v.memory?.availableBytes ?? 0, totalBytes: v.memory?.totalBytes ?? 0 },
      () => memoryConsumers(containers),
    );
  if (swapUsed)
    host('swapUsed', swapUsed, 'above', v.memory?.swapUsedPercent ?? null, {}, () =>
      memoryConsumers(containers),
    );
  if (cpuPressure)
    host('cpuPressure', cpuPressure, 'above', v.pressure.cpu?.[cpuPressure.line]?.avg10 ?? null, {}, () =>
      cpuConsumers(containers),
    );
  if (ioPressure)
    host('ioPressure', ioPressure, 'above', v.pressure.io?.[ioPressure.line]?.avg10 ?? null, {}, () =>
      ioConsumers(containers),
    );
  if (diskUsed)
    for (const m of v.mounts) {
      if (m.usedPercent === null || diskUsed.ignore.includes(m.mountPoint)) continue;
      const growing = m.growthBytes !== null && m.growthBytes >= MiB;
      out.push({
        rule: 'diskUsed',
        subject: m.mountPoint,
        value: m.usedPercent,
        thresholds: thresholds(diskUsed, 'above'),
        params: {
          mount: m.mountPoint,
          percent: m.usedPercent,
          availableBytes: m.availableBytes ?? 0,
          sizeBytes: m.sizeBytes ?? 0,
          ...(growing ? { growthBytes: m.growthBytes!, windowMs: v.windowMs } : {}),
        },
        alertKey: growing ? 'host.diskUsed.alertGrowing' : 'host.diskUsed.alert',
        clearKey: 'host.diskUsed.clear',
        goneKey: 'host.diskUsed.gone',
        get consumers() {
          return ioConsumers(containers, true);
        },
      });
    }
  if (containerMemory)
    for (const u of containers) {
      if (u.memoryLimitBytes === null || u.memoryLimitBytes <= 0) continue;
      const growing = grewNotably(u);
      out.push({
        rule: 'containerMemory',
        subject: `${u.engine}/${u.name}`,
        value: (u.memoryBytes / u.memoryLimitBytes) * 100,
        thresholds: thresholds(containerMemory, 'above'),
        params: {
          name: u.name,
          percent: (u.memoryBytes / u.memoryLimitBytes) * 100,
          memoryBytes: u.memoryBytes,
          limitBytes: u.memoryLimitBytes,
          ...(growing ? { growthBytes: u.memoryGrowthBytes!, windowMs: u.growthWindowMs } : {}),
        },
        alertKey: growing ? 'host.containerMemory.alertGrowing' : 'host.containerMemory.alert',
        clearKey: 'host.containerMemory.clear',
        goneKey: 'host.containerMemory.gone',
        consumers: [],
      });
    }
  return out;
}

interface Tracked {
  state: ThresholdState;
  last: Observation;
}

export class HostJudge {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly rules: HostSettings['rules']) {}

  /** Judges one sample; returns the alerts raised and cleared by it. */
  evaluate(vitals: HostVitals, containers: ContainerUsage[], now: number): HostTransition[] {
    const out: HostTransition[] = [];
    const seen = new Set<string>();
    for (const o of observe(this.rules, vitals, containers)) {
      const key = `${o.rule}\u0000${o.subject}`;
      seen.add(key);
      const tracked = this.tracked.get(key);
      const before = tracked?.state ?? initialState();
      const { state, fired } = step(before, o.value, now, o.thresholds);
      // Without a reading, the alert keeps its last known numbers.
      this.tracked.set(key, { state, last: o.value === null && tracked ? tracked.last : o });
      if (fired === 'alert') out.push(this.transition('alert', o, state.since, now));
      if (fired === 'clear') out.push(this.transition('clear', o, before.since, now));
    }
    // A container that stopped or a disk unmounted while alerting: say the alert is over, once.
    for (const [key, t] of this.tracked) {
      if (seen.has(key)) continue;
      this.tracked.delete(key);
      if (t.state.phase === 'alert' || t.state.phase === 'clearing')
        out.push(this.transition('clear', t.last, t.state.since, now, true));
    }
    return out;
  }

  /** The alerts raised now, worded with the latest numbers, for the `host` entity. */
  active(now: number): HostAlert[] {
    const out: HostAlert[] = [];
    for (const { state, last } of this.tracked.values()) {
      if (state.phase !== 'alert' && state.phase !== 'clearing') continue;
      const t = this.transition('alert', last, state.since, now);
      out.push({
        rule: t.rule,
        subject: t.subject,
        since: t.since,
        message: t.message,
        consumers: t.consumers,
        text: t.text,
      });
    }
    return out;
  }

  private transition(
    kind: 'alert' | 'clear',
    o: Observation,
    since: number,
    now: number,
    gone = false,
  ): HostTransition {
    const key = gone && o.goneKey ? o.goneKey : kind === 'alert' ? o.alertKey : o.clearKey;
    const params = {
      ...o.params,
      ...(kind === 'alert' ? { forMs: now - since } : { lastedMs: now - since }),
    };
    const main = message(key, params);
    const consumers = kind === 'alert' ? o.consumers : [];
    return {
      kind,
      rule: o.rule,
      subject: o.subject,
      at: now,
      since,
      message: main,
      consumers,
      text: renderWithConsumers(main, consumers),
    };
  }
}
