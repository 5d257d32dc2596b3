// What the owner hears when an engine comes and goes: one notice when it becomes unreachable
// (critical when lifelines run on it), and one when it is back — not one per attempt or reason.

import { english, msg } from '../../../shared/messages/say.js';
import type { MessageRef } from '../../../shared/protocol/message.js';
import type { EventLog } from '../event-log.js';
import type { EngineConfig } from './config.js';
import { type EngineVersion, endpointOf } from './engine-api.js';

export class EngineNotices {
  private downAnnounced = false;

  constructor(private readonly deps: { cfg: EngineConfig; events: EventLog }) {}

  /** Attached: if its loss was announced, say that it is back. */
  back(version: EngineVersion): void {
    const { cfg, events } = this.deps;
    if (this.downAnnounced)
      events.append({
        kind: 'containers.engine-back',
        severity: 'info',
        subject: cfg.id,
        message: msg('containers.engine-back', {
          engine: cfg.id,
          version: version.engineVersion,
          api: version.apiVersion,
        }),
        data: { engine: cfg.id, apiVersion: version.apiVersion, engineVersion: version.engineVersion },
      });
    this.downAnnounced = false;
  }

  /** Not reachable: announced once until it is back, naming the lifelines that run on it. */
  unreachable(reason: MessageRef, lifelines: () => string[]): void {
    const { cfg, events } = this.deps;
    if (this.downAnnounced) return;
    this.downAnnounced = true;
    const names = lifelines();
    events.append({
      kind: 'containers.engine-unreachable',
      severity: names.length > 0 ? 'critical' : 'warning',
      subject: cfg.id,
      message: msg('containers.engine-unreachable', { ...reason.params, engine: cfg.id, reason: reason.key }),
      data: { engine: cfg.id, reason: english(reason), endpoint: endpointOf(cfg), lifelines: names },
    });
  }
}
