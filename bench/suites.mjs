// The benchmark suites. Each returns rows { metric, value, unit }.
import { dockerBench } from './docker.mjs';
import { pwaSize } from './pwa-size.mjs';
import { sessionLatency } from './session.mjs';

export const benchmarks = [
  { name: 'pwa-size', run: pwaSize },
  { name: 'session', run: sessionLatency },
  { name: 'docker', run: dockerBench },
];
