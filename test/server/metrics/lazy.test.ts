// prom-client (and the process metrics it samples) costs memory an unmonitored home never uses:
// it loads with the first scrape, and the metrics recorded before it are all there.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { AgentMetrics } from '../../../server/metrics.js';

const promClientLoaded = () =>
  Object.keys(createRequire(import.meta.url).cache).some((f) =>
    /[\\/]node_modules[\\/]prom-client[\\/]/.test(f),
  );

describe('metrics before the first scrape', () => {
  it('records without prom-client, which loads when first scraped', async () => {
    const m = new AgentMetrics();
    m.commands.inc({ action: 'power.cycle', outcome: 'ok' });
    await m.timeDevice('plug', 'shelly', async () => undefined);
    m.sessions(() => ({ direct: 1, relay: 2 }));
    expect(promClientLoaded()).toBe(false);
    const text = await m.registry.metrics();
    expect(promClientLoaded()).toBe(true);
    expect(text).toContain('lifeline_commands_total{action="power.cycle",outcome="ok"} 1');
    expect(text).toContain(
      'lifeline_device_request_seconds_count{kind="plug",driver="shelly",result="ok"} 1',
    );
    expect(text).toContain('lifeline_sessions_open{path="relay"} 2');
    expect(text).toMatch(/^lifeline_agent_process_resident_memory_bytes \d+$/m);
  });
});
