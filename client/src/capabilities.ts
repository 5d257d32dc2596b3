// The capabilities' faces in the app, in bottom-navigation order: each lives in its own folder
// (client/src/<capability>/: screen, messages, styles) and is listed here once — its screen (loaded
// on first visit and precached for offline use) and what it adds to Home. This file only composes.
import type { ComponentType } from 'preact';
import { lazyScreen } from './components/LazyScreen.js';
import { containersProblems } from './containers/problems.js';
import type { ProblemSource } from './home/problem.js';
import { HostCard, hostUnderPressure } from './host/HostCard.js';
import { hostProblems } from './host/problems.js';
import type { MessageKey } from './i18n/index.js';
import { machinesProblems } from './machines/problems.js';
import { NetworkCard } from './network/NetworkCard.js';
import { networkProblems } from './network/problems.js';
import { powerProblems } from './power/problems.js';
import { TlsCard } from './tls/TlsCard.js';
import { upsProblems } from './ups/problems.js';
import { UpsCard, upsOutage } from './ups/UpsCard.js';

export interface CapabilityUi {
  id: string;
  /** Its screen, with its place in the bottom navigation. */
  screen?: { label: MessageKey; icon: string; component: ComponentType<{ params: string[] }> };
  /** Shown on Home, under the problems and the agent's facts. */
  homeCard?: ComponentType;
  /** What is wrong, from its entities, each with its fix: listed first on Home (home/problem.ts). */
  problems?: ProblemSource;
  /** While this says so, Home shows the card first, above the agent's facts (a power cut, a host under pressure). */
  homeFirst?: () => boolean;
}

export const CAPABILITY_UI: readonly CapabilityUi[] = [
  // A power cut and a host under pressure come first: every other problem may follow from them.
  { id: 'ups', homeCard: UpsCard, homeFirst: upsOutage, problems: upsProblems },
  { id: 'host', homeCard: HostCard, homeFirst: hostUnderPressure, problems: hostProblems },
  {
    id: 'machines',
    problems: machinesProblems,
    screen: {
      label: 'nav.machines',
      icon: '⌨',
      component: lazyScreen(() => import('./machines/MachinesScreen.js').then((m) => m.MachinesScreen)),
    },
  },
  {
    id: 'containers',
    problems: containersProblems,
    screen: {
      label: 'nav.containers',
      icon: '▣',
      component: lazyScreen(() => import('./containers/ContainersScreen.js').then((m) => m.ContainersScreen)),
    },
  },
  {
    id: 'power',
    problems: powerProblems,
    screen: {
      label: 'nav.power',
      icon: '⚡',
      component: lazyScreen(() => import('./power/PowerScreen.js').then((m) => m.PowerScreen)),
    },
  },
  { id: 'network', homeCard: NetworkCard, problems: networkProblems },
  { id: 'tls', homeCard: TlsCard },
];

/** Every capability's message catalogue, by type (each loads with its screen or card). */
export type CapabilityMessages =
  | typeof import('./machines/messages.js')['machinesMessages']
  | typeof import('./containers/messages.js')['containersMessages']
  | typeof import('./containers/drift-messages.js')['driftMessages']
  | typeof import('./power/messages.js')['powerMessages']
  | typeof import('./network/messages.js')['networkMessages']
  | typeof import('./machines/problems.js')['machinesProblemMessages']
  | typeof import('./containers/problems.js')['containersProblemMessages']
  | typeof import('./power/problems.js')['powerProblemMessages']
  | typeof import('./network/problems.js')['networkProblemMessages']
  | typeof import('./ups/problems.js')['upsProblemMessages']
  | typeof import('./home/messages.js')['homeMessages']
  | typeof import('./activity/messages.js')['activityMessages']
  | typeof import('./host/messages.js')['hostMessages']
  | typeof import('./ups/messages.js')['upsMessages']
  | typeof import('./tls/messages.js')['tlsMessages'];
