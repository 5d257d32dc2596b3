// The Activity timeline: the audit log (what was asked, decided and done) and the event history.
import * as v from 'valibot';
import { action } from './action.js';
import { EventRecord } from './frames.js';
import { MessageRef } from './message.js';

export const AUDIT_RESOLUTIONS = ['confirmed', 'expired', 'cancelled', 'interrupted'] as const;
export type AuditResolution = (typeof AUDIT_RESOLUTIONS)[number];

export const AuditRow = v.object({
  id: v.number(),
  at: v.number(),
  deviceId: v.nullable(v.string()),
  deviceName: v.nullable(v.string()),
  action: v.string(),
  target: v.nullable(v.string()),
  args: v.nullable(v.string()),
  decision: v.picklist(['allowed', 'confirm-required', 'confirmed', 'refused']),
  outcome: v.picklist(['running', 'ok', 'error', 'refused', 'pending']),
  code: v.nullable(v.string()),
  message: v.nullable(v.string()),
  finishedAt: v.nullable(v.number()),
  /** `message` as a catalogue message (newer agents). */
  msg: v.optional(MessageRef),
  /**
   * What became of a request that had to be confirmed (decision `confirm-required`): confirmed
   * (its run is the next row of that device and action), expired unanswered, or cancelled by the
   * device that asked, or interrupted by the agent stopping before an answer came (newer agents). One this client does not know yet reads as none, so a
   * resolution added later cannot make the whole list unreadable (as `cancelled` did for older apps).
   */
  resolution: v.fallback(v.optional(v.picklist(AUDIT_RESOLUTIONS)), undefined),
});
export type AuditRow = v.InferOutput<typeof AuditRow>;

export const Timeline = v.object({ audit: v.array(AuditRow), events: v.array(EventRecord) });
export type Timeline = v.InferOutput<typeof Timeline>;

export const ActivityList = action({
  name: 'activity.list',
  target: 'none',
  query: true,
  args: v.strictObject({
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500)), 100),
    beforeAudit: v.optional(v.pipe(v.number(), v.integer())),
    beforeEvent: v.optional(v.pipe(v.number(), v.integer())),
  }),
  result: Timeline,
});
export const ACTIVITY_ACTIONS = [ActivityList];
