// The Activity timeline: the audit log (what was asked, decided and done) and the event history.
import { z } from 'zod';
import type { AuditRepo } from '../../store/audit-repo.js';
import type { ActionDefinition } from '../actions.js';
import type { AgentContext, Capability } from '../capability.js';

const ListArgs = z.strictObject({
  limit: z.number().int().min(1).max(500).default(100),
  beforeAudit: z.number().int().optional(),
  beforeEvent: z.number().int().optional(),
});

export function createActivityCapability(ctx: AgentContext, audit: AuditRepo): Capability {
  const list: ActionDefinition<z.output<typeof ListArgs>> = {
    name: 'activity.list',
    target: 'none',
    query: true,
    args: ListArgs,
    classify: () => ({ decision: 'allow' }),
    async run({ args }) {
      return {
        audit: audit.list({ limit: args.limit, beforeId: args.beforeAudit }),
        events: ctx.events.list({ limit: args.limit, beforeId: args.beforeEvent }),
      };
    },
  };
  return { name: 'activity', actions: [list], start() {}, stop() {} };
}
