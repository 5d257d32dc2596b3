// The sample Grafana dashboard only charts metrics that exist.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AgentMetrics, RelayMetrics } from '../../../server/metrics.js';

describe('Grafana dashboard', () => {
  it('uses only metric names the agent and the relay export', async () => {
    const dash = JSON.parse(
      readFileSync(new URL('../../../deploy/grafana/lifeline-dashboard.json', import.meta.url), 'utf8'),
    );
    const agent = new AgentMetrics();
    agent.sessions(() => ({ direct: 0, relay: 0 }));
    agent.gauge('lifeline_outbox_pending', 'x', () => 0);
    const relay = new RelayMetrics(() => ({
      links: 0,
      sessions: 0,
      pipes: 0,
      buffered: 0,
      homes: 0,
      online: 0,
      queued: 0,
    }));
    const exported = new Set(
      [...(await agent.registry.getMetricsAsJSON()), ...(await relay.registry.getMetricsAsJSON())].map(
        (m) => m.name,
      ),
    );
    const used = new Set<string>();
    for (const p of dash.panels)
      for (const t of p.targets) for (const m of t.expr.matchAll(/lifeline_[a-z_]+/g)) used.add(m[0]);
    expect(used.size).toBeGreaterThan(10);
    const base = (n: string) => n.replace(/_(bucket|count|sum)$/, '');
    expect([...used].filter((n) => !exported.has(n) && !exported.has(base(n)))).toEqual([]);
  });
});
