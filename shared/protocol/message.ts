// A sentence from home as data: a catalogue key and its parameters (shared/messages/). The agent
// sends it beside its English text, so each client renders it in its owner's language and an
// older client keeps showing the English (STYLE convention 16: new fields, not changed payloads).
import * as v from 'valibot';

export const MessageParam = v.union([v.pipe(v.string(), v.maxLength(2000)), v.number()]);
export type MessageParams = Record<string, string | number>;

export const MessageRef = v.object({
  key: v.pipe(v.string(), v.maxLength(100)),
  params: v.optional(v.record(v.pipe(v.string(), v.maxLength(40)), MessageParam)),
});
export type MessageRef = v.InferOutput<typeof MessageRef>;

/** Text as an agent part words it: plain English (older code) or a catalogue message. */
export type Text = string | MessageRef;

export function isMessageRef(x: unknown): x is MessageRef {
  return typeof x === 'object' && x !== null && typeof (x as MessageRef).key === 'string';
}
