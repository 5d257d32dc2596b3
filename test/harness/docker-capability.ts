// The containers capability on its own, wired as the agent wires it (real SQLite event log and kv,
// state store, guard and audit) but with the host's boot time and the recovery timings chosen by
// the test: a test cannot reboot the machine, and should not wait ten minutes.
import path from 'node:path';
import { ActionRegistry } from '../../server/agent/actions.js';
import type { AgentContext, Capability } from '../../server/agent/capability.js';
import { createContainersCapability, type DockerDeps } from '../../server/agent/containers/containers.js';
import { EventLog } from '../../server/agent/event-log.js';
import { actAsAgent, Guard } from '../../server/agent/guard.js';
import { hostBootTime } from '../../server/agent/host-boot.js';
import { StateStore } from '../../server/agent/state.js';
import { systemClock } from '../../server/clock.js';
import { parseConfig } from '../../server/config/load.js';
import { silentLogger } from '../../server/log.js';
import { AgentMetrics } from '../../server/metrics.js';
import { AuditRepo } from '../../server/store/audit-repo.js';
import { openDatabase } from '../../server/store/db.js';
import { EventsRepo } from '../../server/store/events-repo.js';
import { KvRepo } from '../../server/store/kv-repo.js';
import type { ResultFrame } from '../../shared/protocol/frames.js';

export interface DockerRig {
  ctx: AgentContext;
  capability: Capability;
  guard: Guard;
  command(action: string, target: string, confirm?: string): Promise<ResultFrame>;
  close(): Promise<void>;
}

let n = 0;

/**
 * `yaml` is a whole lifeline.yaml; `dir` holds the database (reuse it to play an agent restart);
 * `hostBootAt` goes into the context, where the agent core would put the kernel's.
 */
export async function startDockerRig(
  yaml: string,
  dir: string,
  { hostBootAt, ...deps }: DockerDeps & { hostBootAt?: number },
): Promise<DockerRig> {
  const { config } = parseConfig(yaml, path.join(dir, 'lifeline.yaml'));
  const db = openDatabase(dir);
  let guard: Guard | undefined;
  const ctx: AgentContext = {
    config,
    configDir: dir,
    dataDir: dir,
    homeId: 'rig',
    state: new StateStore(systemClock),
    events: new EventLog(new EventsRepo(db), systemClock),
    kv: new KvRepo(db),
    db,
    clock: systemClock,
    log: silentLogger,
    metrics: new AgentMetrics(),
    hostBootAt: hostBootAt ?? hostBootTime(systemClock.now()),
    hostRoot: config.host?.root ?? '/',
    act: (spec, call, rule) => actAsAgent(guard!, spec, call, rule),
  };
  const capability = createContainersCapability(ctx, deps);
  const registry = new ActionRegistry();
  registry.register(...capability.actions);
  guard = new Guard(registry, new AuditRepo(db), systemClock, silentLogger);
  await capability.start();
  const device = { id: 'rig-device', name: 'rig' };
  return {
    ctx,
    capability,
    guard: guard!,
    command: (action, target, confirm) =>
      guard!.execute(
        { t: 'cmd', id: `c${++n}`, action, target, ...(confirm ? { confirm: { challenge: confirm } } : {}) },
        device,
        { progress: () => {}, signal: new AbortController().signal, stillAuthorized: () => true },
      ),
    async close() {
      await capability.stop();
      db.close();
    },
  };
}
