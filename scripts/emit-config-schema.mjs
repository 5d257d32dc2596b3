// Writes docs/lifeline.schema.json from the config schema, for editor completion in lifeline.yaml.
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../dist/server/config/json-schema.js';

writeFileSync(
  new URL('../docs/lifeline.schema.json', import.meta.url),
  `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
);
