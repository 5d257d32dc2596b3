// A sentence from home as data: a catalogue key and its parameters, so each client words it in
// the owner's language. Numbers stay numbers (bytes, milliseconds, epoch times) for the client to
// format; the English default travels beside it where a plain text is needed.
import * as v from 'valibot';

export const MessageDescriptor = v.object({
  /** Catalogue key, e.g. `host.memoryPressure.alert`. */
  key: v.string(),
  params: v.record(v.string(), v.union([v.string(), v.number()])),
});
export type MessageDescriptor = v.InferOutput<typeof MessageDescriptor>;
