// The network capability: the public address (echo endpoints, the router, the relay), each watched
// name as every resolver answers it, and the built-in DDNS updater — the post-mortem's "make DDNS a
// core service with no other dependency". Nothing here may stop the agent from starting.
import { LifelineError } from '../../../shared/protocol/errors.js';
import { NetworkDdnsUpdate, NetworkRefresh } from '../../../shared/protocol/network.js';
import { defineAction } from '../actions.js';
import type { AgentContext, Capability, CheckRow } from '../capability.js';
import { cloudflareProvider } from './ddns/cloudflare.js';
import { duckdnsProvider } from './ddns/duckdns.js';
import type { DdnsProvider } from './ddns/provider.js';
import { rfc2136Provider } from './ddns/rfc2136.js';
import { DdnsUpdater } from './ddns/updater.js';
import { DnsWatch } from './dns/dns-watch.js';
import { type HttpClient, httpClient } from './http-client.js';
import { planFrom } from './plan.js';
import { echoSource } from './public-ip/echo-source.js';
import { PublicIpWatcher } from './public-ip/public-ip.js';
import { RELAY_ID, RELAY_KIND, relaySource } from './public-ip/relay-source.js';
import { natpmpSource, upnpSource } from './public-ip/router-source.js';
import type { AddressSource } from './public-ip/sources.js';
import { timingsFrom } from './timings.js';

export interface NetDeps {
  http?: HttpClient;
}

export function createNetworkCapability(ctx: AgentContext, deps: NetDeps = {}): Capability {
  const http = deps.http ?? httpClient;
  const log = ctx.log.child('net');
  const plan = planFrom(ctx.config.network);
  const timings = timingsFrom(ctx.config.network);

  const sources: AddressSource[] = [];
  if (plan.enabled) {
    if (plan.router.upnp) sources.push(upnpSource(plan.router.upnp));
    if (plan.router.natpmp) sources.push(natpmpSource(plan.router.natpmp));
    if (plan.relay) sources.push(relaySource(() => ctx.state.get(RELAY_KIND, RELAY_ID)));
    for (const e of plan.echo) sources.push(echoSource(e, http));
  }
  const watcher = new PublicIpWatcher(ctx, sources, timings.publicIpMs);
  const updaters = new Map<string, DdnsUpdater>();
  const dns = new DnsWatch(
    ctx,
    plan.names,
    ctx.config.network.resolvers,
    (f) => watcher.current(f),
    timings,
    (name) => updaters.get(name)?.provider.proxied === true,
  );

  for (const d of plan.ddns) {
    try {
      const provider: DdnsProvider =
        d.config.provider === 'cloudflare'
          ? cloudflareProvider(d.config, d.record, http)
          : d.config.provider === 'duckdns'
            ? duckdnsProvider(d.config, d.record, http)
            : rfc2136Provider(d.config, d.record);
      updaters.set(d.record, new DdnsUpdater(d.record, provider, d.families, ctx, timings));
    } catch (err) {
      // One unusable updater must not keep the agent (or the other records) from starting.
      plan.problems.push(`DDNS for ${d.record} cannot run: ${(err as Error).message}`);
    }
  }

  const unsubscribe: (() => void)[] = [];

  const update = defineAction(NetworkDdnsUpdate, {
    // Allowed without confirmation: it only re-asserts the address the updater would set by itself,
    // and on the worst day a confirmation is one more obstacle between the owner and a working name.
    classify({ target }) {
      if (!updaters.has(target ?? ''))
        return { decision: 'refuse', code: 'not-found', message: `no DDNS updater for ${target}` };
      return { decision: 'allow' };
    },
    async run({ target }, actx) {
      const u = updaters.get(target!)!;
      actx.progress('address', 'asking for the public address');
      await watcher.poll();
      for (const f of u.families) u.setDesired(f, watcher.current(f));
      actx.progress('update', `updating ${target}`);
      const r = await u.kick(true);
      void dns.check();
      if (!r.ok)
        throw new LifelineError(
          r.code === 'refused' ? 'refused' : r.code === 'unavailable' ? 'unsupported' : 'failed',
          r.message ?? 'the update failed',
        );
      return u.snapshot();
    },
  });

  const refresh = defineAction(NetworkRefresh, {
    classify: () => ({ decision: 'allow' }),
    async run() {
      await watcher.poll();
      await dns.check();
      return { ipv4: watcher.current('ipv4'), ipv6: watcher.current('ipv6') };
    },
  });

  return {
    name: 'network',
    actions: [update, refresh],
    start() {
      for (const p of plan.problems) log.warn(p);
      if (!plan.enabled) return;
      unsubscribe.push(
        watcher.onChange((family, address) => {
          for (const u of updaters.values()) u.setDesired(family, address);
          void dns.check();
        }),
      );
      unsubscribe.push(
        ctx.state.subscribe((u) => {
          if (u.entity?.kind === RELAY_KIND && u.entity.id === RELAY_ID && plan.relay) void watcher.poll();
        }),
      );
      for (const u of updaters.values()) {
        u.start();
        for (const f of u.families) if (watcher.current(f)) u.setDesired(f, watcher.current(f));
      }
      watcher.start();
      dns.start();
    },
    async stop() {
      for (const off of unsubscribe.splice(0)) off();
      await watcher.stop();
      await dns.stop();
      for (const u of updaters.values()) await u.stop();
    },
    async check(): Promise<CheckRow[]> {
      const rows: CheckRow[] = plan.problems.map((p) => ({
        name: 'net',
        status: 'fail' as const,
        detail: p,
      }));
      if (!plan.enabled)
        return [...rows, { name: 'net', status: 'ok', detail: 'no names configured; not watching' }];
      await watcher.poll();
      for (const family of ['ipv4', 'ipv6'] as const) {
        const snap = watcher.snapshot(family);
        if (snap.sources.length === 0) continue;
        rows.push({
          name: `public ${family === 'ipv4' ? 'IPv4' : 'IPv6'}`,
          status: snap.warning ? 'warn' : snap.address ? 'ok' : family === 'ipv4' ? 'fail' : 'warn',
          detail: snap.warning
            ? snap.warning
            : snap.address
              ? `${snap.address} (${snap.agree.join(', ')})`
              : `unknown: ${snap.sources.map((s) => `${s.source}: ${s.error}`).join('; ')}`,
        });
      }
      for (const n of plan.names) {
        const views = await dns.resolve(n);
        const bad = views.filter((v) => v.status === 'mismatch');
        const errors = views.filter((v) => v.status === 'error');
        const shown = (v: (typeof views)[number]) =>
          `${v.resolver}: ${v.status === 'error' ? v.error : v.a.map((r) => r.address).join(', ') || 'no A record'}`;
        rows.push({
          name: `DNS ${n.name}`,
          status:
            bad.length > 0
              ? 'fail'
              : errors.length > 0 || views.every((v) => v.status !== 'match')
                ? 'warn'
                : 'ok',
          detail:
            bad.length > 0
              ? `does not point at home — ${bad.map(shown).join('; ')}`
              : views.map(shown).join('; '),
        });
      }
      for (const [record, u] of updaters) {
        const provider = plan.ddns.find((d) => d.record === record)!.config.provider;
        try {
          const detail = await u.provider.checkCredentials();
          rows.push({
            name: `DDNS ${record}`,
            status: detail.startsWith('not checked') ? 'warn' : 'ok',
            detail: `${provider}: ${detail}`,
          });
        } catch (err) {
          rows.push({
            name: `DDNS ${record}`,
            status: 'fail',
            detail: `${provider}: ${err instanceof LifelineError ? err.message : 'credentials check failed'}`,
          });
        }
      }
      return rows;
    },
  };
}
