// relay.yaml `cluster:`: the shared database's URL takes ${ENV} like every other key (the password
// stays out of the file), the instance name is optional, and a mistyped URL is refused at load.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_RELAY_CONFIG, loadRelayConfig } from '../../../server/config/relay-schema.js';
import { ConfigError } from '../../../server/config/yaml-file.js';
import { tempDir } from '../../harness/temp.js';

const tmp = tempDir('lifeline-relay-config-');
afterAll(() => tmp.remove());

function load(yaml: string, env: NodeJS.ProcessEnv = {}) {
  const file = path.join(tmp.dir, 'relay.yaml');
  writeFileSync(file, yaml);
  return loadRelayConfig(file, env).config;
}

describe('relay.yaml cluster', () => {
  it('takes the database URL with an environment variable in it and an optional instance name', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: relay.yaml's own ${ENV} syntax
    const c = load('cluster:\n  database: postgres://lifeline:${PGPASSWORD}@db:5432/lifeline\n', {
      PGPASSWORD: 's3cret',
    });
    expect(c.cluster).toEqual({ database: 'postgres://lifeline:s3cret@db:5432/lifeline' });
    expect(load('cluster: { database: "postgres://db/x", instance: relay-2 }\n').cluster?.instance).toBe(
      'relay-2',
    );
  });

  it('has none by default (SQLite), and the default config mentions it commented out', () => {
    expect(load(DEFAULT_RELAY_CONFIG).cluster).toBeUndefined();
    expect(DEFAULT_RELAY_CONFIG).toContain('# cluster:');
  });

  it('refuses a database that is no postgres:// URL, naming the key', () => {
    expect(() => load('cluster: { database: "mysql://db/x" }\n')).toThrow(ConfigError);
    expect(() => load('cluster: { database: "mysql://db/x" }\n')).toThrow(/cluster\.database/);
  });
});
