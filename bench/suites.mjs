// The benchmark suites. Each returns rows { metric, value, unit }.

import { addDriverBench } from './add-driver.mjs';
import { cliBench } from './cli.mjs';
import { dockerBench } from './docker.mjs';
import { hostBench } from './host.mjs';
import { idleBench } from './idle.mjs';
import { lighthouseBench } from './lighthouse.mjs';
import { netDetectAndFix } from './net.mjs';
import { passthroughBench } from './passthrough.mjs';
import { plugsBench } from './plugs.mjs';
import { pwaSize } from './pwa-size.mjs';
import { reconnectBench } from './reconnect.mjs';
import { relayBench } from './relay.mjs';
import { relayCapacityBench } from './relay-capacity.mjs';
import { relayClusterBench } from './relay-cluster.mjs';
import { relayFailoverBench } from './relay-failover.mjs';
import { relayShapeBench } from './relay-shape.mjs';
import { sessionLatency } from './session.mjs';
import { vitalsBench } from './vitals.mjs';
import { wolBench } from './wol.mjs';

export const benchmarks = [
  { name: 'pwa-size', run: pwaSize },
  { name: 'add-driver', run: addDriverBench },
  { name: 'cli', run: cliBench },
  { name: 'lighthouse', run: lighthouseBench },
  { name: 'idle', run: idleBench },
  { name: 'session', run: sessionLatency },
  { name: 'reconnect', run: reconnectBench },
  { name: 'relay', run: relayBench },
  { name: 'passthrough', run: passthroughBench },
  { name: 'relay-capacity', run: relayCapacityBench },
  { name: 'relay-cluster', run: relayClusterBench },
  { name: 'relay-failover', run: relayFailoverBench },
  // Many homes with a few phone streams each (SHAPE_HOMES=5000 for the full shape).
  { name: 'relay-capacity-shape', run: relayShapeBench },
  { name: 'plugs', run: plugsBench },
  { name: 'net', run: netDetectAndFix },
  { name: 'docker', run: dockerBench },
  { name: 'wol', run: wolBench },
  { name: 'host', run: hostBench },
  { name: 'vitals', run: vitalsBench },
];
