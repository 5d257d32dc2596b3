// Wake-on-LAN: the configured hosts as `host` entities kept current by a presence probe, the
// guarded `machines.wake` (send, then verify with live progress) and `machines.probe`, the MAC checks,
// and rows for `lifeline check`.

import os from 'node:os';
import { fail, msg } from '../../../shared/messages/say.js';
import { MachinesProbe, MachinesWake } from '../../../shared/protocol/machines.js';
import { defineAction } from '../actions.js';
import type { AgentContext, Capability, CheckRow } from '../capability.js';
import { checkRows } from './check.js';
import { HostRecord } from './host-record.js';
import type { SeenMac } from './mac-checks.js';
import { createNeighbourTable } from './neighbours.js';
import { localNetworks } from './networks.js';
import { HostObserver, type WolNet } from './observe.js';
import { PresenceLoop } from './presence.js';
import { systemProber } from './probe.js';
import { createResolver } from './resolve.js';
import { createUdpSender } from './sender.js';
import { type WakeOutcome, Waker, type WakeTimings } from './wake.js';

export interface WolOptions {
  net?: WolNet;
  timings?: Partial<WakeTimings>;
}

export function systemWolNet(): WolNet {
  return {
    networks: () => localNetworks(os.networkInterfaces()),
    sender: createUdpSender(),
    prober: systemProber,
    neighbours: createNeighbourTable(),
    resolve: createResolver(),
  };
}

const SPECIFIC_CAUSES = new Set([
  'virtual-nic',
  'locally-administered',
  'neighbour-mismatch',
  'no-broadcast-route',
  'send-failed',
]);

const DEFAULT_TIMINGS: WakeTimings = { probeEveryMs: 1000, probeTimeoutMs: 2000, maxProbesInFlight: 3 };

export function createMachinesCapability(ctx: AgentContext, opts: WolOptions = {}): Capability {
  const net = opts.net ?? systemWolNet();
  const timings = { ...DEFAULT_TIMINGS, ...opts.timings };
  const log = ctx.log.child('wol');
  const hosts = new Map(ctx.config.machines.map((h) => [h.id, new HostRecord(h, ctx.kv)]));

  const networks = () => {
    try {
      return net.networks();
    } catch {
      return [];
    }
  };
  const publish = (h: HostRecord) => ctx.state.set('machines', h.id, h.info(networks()));

  const onSeen = (h: HostRecord, previous: SeenMac | null) => {
    const seen = h.seen;
    if (!seen || seen.mac === h.config.mac || seen.mac === previous?.mac) return;
    log.warn(`${h.id}: ${seen.address} answers with MAC ${seen.mac}, not the configured ${h.config.mac}`);
    ctx.events.append({
      kind: 'machines.mac-mismatch',
      severity: 'warning',
      subject: h.id,
      message: msg('machines.mac-mismatch', {
        name: h.name,
        address: seen.address,
        seenMac: seen.mac,
        mac: h.config.mac,
      }),
      data: { host: h.id, address: seen.address, seenMac: seen.mac, mac: h.config.mac },
    });
  };
  const observer = new HostObserver(net, ctx.clock, timings.probeTimeoutMs, onSeen);

  const finished = (h: HostRecord, o: WakeOutcome, by: string) => {
    // A push notification shows one line: name the specific cause when there is one.
    const likely = o.notes.find((n) => SPECIFIC_CAUSES.has(n.code));
    const data = { host: h.id, mac: o.mac, seconds: o.seconds, by, sentTo: o.sentTo.map((t) => t.address) };
    if (o.stage === 'up')
      ctx.events.append({
        kind: 'machines.woke',
        severity: 'info',
        subject: h.id,
        message: msg('machines.woke', { name: h.name, seconds: o.seconds }),
        data: { ...data, answer: o.answer ?? '' },
      });
    else if (o.stage === 'no-answer')
      ctx.events.append({
        kind: 'machines.wake-failed',
        severity: 'warning',
        subject: h.id,
        message: likely
          ? msg('machines.wake-failed.likely', {
              ...likely.params,
              name: h.name,
              seconds: o.seconds,
              likely: `machines.notice.${likely.code}`,
            })
          : msg('machines.wake-failed', { name: h.name, seconds: o.seconds }),
        data: { ...data, causes: o.notes.map((c) => c.code) },
      });
  };
  const waker = new Waker({ net, observer, clock: ctx.clock, timings, publish, finished });

  const presence = new PresenceLoop(
    [...hosts.values()]
      .filter((h) => h.config.address)
      .map((h) => ({ id: h.id, intervalMs: h.config.probeIntervalSeconds * 1000 })),
    {
      busy: (id) => waker.inFlight(id),
      probe: async (id) => {
        const h = hosts.get(id);
        if (!h) return;
        try {
          await observer.observe(h);
        } catch (err) {
          log.warn(`${id}: probe failed: ${(err as Error).message}`);
        }
        publish(h);
      },
    },
  );

  const host = (id: string | undefined) => {
    const h = id ? hosts.get(id) : undefined;
    if (!h) throw fail('not-found', msg('machines.not-found', { id: id ?? '' }), { host: id ?? '' });
    return h;
  };

  const wake = defineAction(MachinesWake, {
    classify({ target, args }) {
      const h = target ? hosts.get(target) : undefined;
      if (!h)
        return {
          decision: 'refuse',
          code: 'not-found',
          message: msg('machines.not-found', { id: target ?? '' }),
          params: { host: target ?? '' },
        };
      if (args.useSeenMac && !h.seen)
        return {
          decision: 'refuse',
          code: 'not-found',
          message: msg('machines.refuse.no-seen-mac', { name: h.name }),
          params: { host: h.id },
        };
      // SPEC §4: Wake-on-LAN is allowed for every target, lifeline or not.
      return { decision: 'allow' };
    },
    async run({ target, args, device }, actx) {
      const h = host(target);
      const mac = args.useSeenMac && h.seen ? h.seen.mac : h.config.mac;
      const outcome = await waker.wake(h, {
        by: device.name,
        mac,
        progress: actx.progress,
        signal: actx.signal,
      });
      if (outcome.stage === 'no-answer')
        throw fail('timeout', msg('machines.timeout', { name: h.name, seconds: outcome.seconds }), {
          host: h.id,
          seconds: outcome.seconds,
        });
      return outcome;
    },
  });

  const probe = defineAction(MachinesProbe, {
    classify({ target }) {
      if (!target || !hosts.has(target))
        return {
          decision: 'refuse',
          code: 'not-found',
          message: msg('machines.not-found', { id: target ?? '' }),
          params: { host: target ?? '' },
        };
      return { decision: 'allow' };
    },
    async run({ target }) {
      const h = host(target);
      if (!h.config.address) throw fail('unsupported', msg('machines.notice.no-address'), { host: h.id });
      await observer.observe(h);
      publish(h);
      return h.presence;
    },
  });

  return {
    name: 'machines',
    actions: [wake, probe],
    start() {
      for (const h of hosts.values()) publish(h);
      presence.start();
    },
    stop() {
      presence.stop();
      waker.stop();
      observer.stop();
    },
    async check(): Promise<CheckRow[]> {
      return checkRows([...hosts.values()], observer, networks());
    },
  };
}
