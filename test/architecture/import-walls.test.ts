// The agent and the relay are two programs that happen to share a package: neither reaches into
// the other, directly or through a module in between. Only the composition root (server/compose.ts)
// and the CLI may import both.
import { describe, expect, it } from 'vitest';
import { chainInto, importsOf, sourcesUnder } from './import-graph.js';

const walls: [from: string, to: string][] = [
  ['server/relay', 'server/agent'],
  ['server/agent', 'server/relay'],
  // What both serve through (plugins, the PWA's folder) belongs to neither.
  ['server/http', 'server/agent'],
  ['server/http', 'server/relay'],
];

describe('import walls', () => {
  it.each(walls)('nothing under %s reaches %s', (from, to) => {
    const files = sourcesUnder(from);
    expect(files.length).toBeGreaterThan(0);
    const crossings = files.map((f) => chainInto(f, to)).filter((c) => c !== null);
    expect(crossings.map((c) => c.join(' → '))).toEqual([]);
  });

  it('sees imports of every form, so a crossing cannot hide in one', () => {
    expect(importsOf('server/compose.ts')).toEqual(
      expect.arrayContaining(['server/agent/agent.ts', 'server/relay/relay.ts', 'server/http/server.ts']),
    );
    expect(chainInto('server/cli/start.ts', 'server/relay')).toEqual([
      'server/cli/start.ts',
      'server/compose.ts',
      expect.stringMatching(/^server\/relay\/[\w-]+\.ts$/),
    ]);
  });
});
