// The JSON Schema of lifeline.yaml, for editor completion (docs/lifeline.schema.json), made from the
// one valibot schema. Rules a JSON Schema cannot say (cross-key checks) are left to the agent;
// earlier key names appear as deprecated properties so editors accept old files too.
import { toJsonSchema } from '@valibot/to-json-schema';
import { ConfigSchema, KEY_ALIASES } from './schema.js';

export function configJsonSchema(): Record<string, unknown> {
  const schema = toJsonSchema(ConfigSchema, { errorMode: 'ignore' }) as {
    properties: Record<string, Record<string, unknown>>;
  } & Record<string, unknown>;
  for (const [alias, key] of Object.entries(KEY_ALIASES)) {
    const current = schema.properties[key];
    if (current)
      schema.properties[alias] = {
        ...current,
        deprecated: true,
        description: `Earlier name of ${key}; still accepted.`,
      };
  }
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Lifeline configuration (lifeline.yaml)',
    ...schema,
  };
}
