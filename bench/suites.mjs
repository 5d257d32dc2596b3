// The benchmark suites. Each returns rows { metric, value, unit }.
import { pwaSize } from './pwa-size.mjs';
import { sessionLatency } from './session.mjs';
import { wolBench } from './wol.mjs';

export const benchmarks = [
  { name: 'pwa-size', run: pwaSize },
  { name: 'session', run: sessionLatency },
  { name: 'wol', run: wolBench },
];
