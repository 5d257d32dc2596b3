// The host capability: the vitals of the machine the agent runs on, sampled every interval and
// published as the `host` entity (id `self`); each alert raised or cleared becomes an event (and
// a push). Containers' use is read from the containers capability's `containers.usage` entities.
import type { AgentContext, Capability, CheckRow } from '../capability.js';
import { hostCheckRows } from './host-check.js';
import { hostEvent } from './host-events.js';
import { createHostMonitor } from './host-monitor.js';
import { HostSampler } from './sampler.js';

export function createHostCapability(ctx: AgentContext): Capability {
  const log = ctx.log.child('host');
  const containers = () => ctx.state.list('containers.usage').map((e) => e.data);
  const monitor = createHostMonitor({
    config: ctx.config.host ?? {},
    clock: ctx.clock,
    containers,
    log,
    onSample(sample) {
      ctx.state.set('host', 'self', sample.vitals);
      for (const t of sample.transitions) ctx.events.append(hostEvent(t));
    },
  });
  return {
    name: 'host',
    actions: [],
    start: () => monitor.start(),
    stop: () => monitor.stop(),
    async check(): Promise<CheckRow[]> {
      // A sampler of its own: `check` judges nothing and must not disturb the running one.
      const once = new HostSampler({ files: monitor.files, clock: ctx.clock, settings: monitor.settings });
      return hostCheckRows(await once.tick());
    },
  };
}
