// Config parsing under arbitrary input: either a config, or a ConfigError whose every problem names
// a position — never a crash, never a stack trace.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { DEFAULT_CONFIG } from '../../server/config/default-config.js';
import { ConfigError, parseConfig } from '../../server/config/load.js';

const RUNS = Number(process.env.LIFELINE_FUZZ_RUNS ?? 500);

function outcome(text: string): 'ok' | 'error' {
  try {
    parseConfig(text, '/fuzz/lifeline.yaml', { SET: 'value' });
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    for (const p of (err as ConfigError).problems) {
      expect(p.file).toBe('/fuzz/lifeline.yaml');
      expect(p.line).toBeGreaterThanOrEqual(0);
      expect(p.message.length).toBeGreaterThan(0);
    }
    return 'error';
  }
}

const configish = fc.record(
  {
    home: fc.oneof(fc.record({ name: fc.string() }), fc.anything()),
    listen: fc.record(
      { host: fc.oneof(fc.string(), fc.integer()), port: fc.oneof(fc.integer(), fc.string()) },
      { requiredKeys: [] },
    ),
    hosts: fc.array(
      fc.record(
        {
          id: fc.string(),
          mac: fc.oneof(fc.string(), fc.constant('a8:a1:59:12:34:56')),
          probe: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
    plugs: fc.array(
      fc.dictionary(
        fc.constantFrom('id', 'name', 'driver', 'address', 'lifeline', 'token', 'cycleSeconds'),
        fc.anything(),
      ),
      { maxLength: 3 },
    ),
    net: fc.anything(),
    notify: fc.record({ quietHours: fc.string(), channels: fc.anything() }, { requiredKeys: [] }),
    unknown: fc.anything(),
  },
  { requiredKeys: [] },
);

describe('fuzz: config parsing', () => {
  it('arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => void outcome(text)),
      { numRuns: RUNS },
    );
  });

  it('mutations of the default config', () => {
    fc.assert(
      fc.property(fc.nat(DEFAULT_CONFIG.length), fc.string({ maxLength: 20 }), (at, insert) => {
        outcome(DEFAULT_CONFIG.slice(0, at) + insert + DEFAULT_CONFIG.slice(at));
      }),
      { numRuns: RUNS },
    );
  });

  it('config-shaped documents with wrong values', () => {
    fc.assert(
      fc.property(configish, (doc) => void outcome(stringify(doc))),
      { numRuns: RUNS },
    );
  });

  it('environment references, set and unset', () => {
    fc.assert(
      fc.property(fc.constantFrom('${SET}', '${UNSET}', '$${SET}', '${', '${1BAD}'), (ref) => {
        outcome(`home: { name: "x${ref}" }\n`);
      }),
      { numRuns: 50 },
    );
  });
});
