// The Activity timeline: the audit log (what was asked, decided and done) and the event history.
import { ActivityList } from '../../../shared/protocol/activity.js';
import type { AuditRepo } from '../../store/audit-repo.js';
import { defineAction } from '../actions.js';
import type { AgentContext, Capability } from '../capability.js';

export function createActivityCapability(ctx: AgentContext, audit: AuditRepo): Capability {
  const list = defineAction(ActivityList, {
    classify: () => ({ decision: 'allow' }),
    async run({ args }) {
      return {
        audit: audit.list({ limit: args.limit, beforeId: args.beforeAudit }),
        events: ctx.events.list({ limit: args.limit, beforeId: args.beforeEvent }),
      };
    },
  });
  return { name: 'activity', actions: [list], start() {}, stop() {} };
}
