// Writes docs/lifeline.schema.json from the config schema, for editor completion in lifeline.yaml.
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigSchema } from '../dist/server/config/schema.js';

const schema = z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' });
schema.title = 'Lifeline configuration (lifeline.yaml)';
writeFileSync(
  new URL('../docs/lifeline.schema.json', import.meta.url),
  `${JSON.stringify(schema, null, 2)}\n`,
);
