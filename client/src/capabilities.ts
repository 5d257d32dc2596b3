// The capabilities' faces in the app, in bottom-navigation order: each lives in its own folder
// (client/src/<capability>/: screen, messages, styles) and is listed here once — its screen (loaded
// on first visit and precached for offline use) and what it adds to Home. This file only composes.
import type { ComponentType } from 'preact';
import { lazyScreen } from './components/LazyScreen.js';
import { HostCard, hostUnderPressure } from './host/HostCard.js';
import type { MessageKey } from './i18n/index.js';
import { NetworkCard } from './network/NetworkCard.js';
import { TlsCard } from './tls/TlsCard.js';
import { UpsCard, upsOutage } from './ups/UpsCard.js';

export interface CapabilityUi {
  id: string;
  /** Its screen, with its place in the bottom navigation. */
  screen?: { label: MessageKey; icon: string; component: ComponentType<{ params: string[] }> };
  /** Shown on Home, under the agent's facts. */
  homeCard?: ComponentType;
  /** While this says so, Home shows the card first, above the agent's facts (a power cut, a host under pressure). */
  homeFirst?: () => boolean;
}

export const CAPABILITY_UI: readonly CapabilityUi[] = [
  {
    id: 'machines',
    screen: {
      label: 'nav.machines',
      icon: '⌨',
      component: lazyScreen(() => import('./machines/MachinesScreen.js').then((m) => m.MachinesScreen)),
    },
  },
  {
    id: 'containers',
    screen: {
      label: 'nav.containers',
      icon: '▣',
      component: lazyScreen(() => import('./containers/ContainersScreen.js').then((m) => m.ContainersScreen)),
    },
  },
  {
    id: 'power',
    screen: {
      label: 'nav.power',
      icon: '⚡',
      component: lazyScreen(() => import('./power/PowerScreen.js').then((m) => m.PowerScreen)),
    },
  },
  { id: 'ups', homeCard: UpsCard, homeFirst: upsOutage },
  { id: 'host', homeCard: HostCard, homeFirst: hostUnderPressure },
  { id: 'network', homeCard: NetworkCard },
  { id: 'tls', homeCard: TlsCard },
];

/** Every capability's message catalogue, by type (each loads with its screen or card). */
export type CapabilityMessages =
  | typeof import('./machines/messages.js')['machinesMessages']
  | typeof import('./containers/messages.js')['containersMessages']
  | typeof import('./containers/drift-messages.js')['driftMessages']
  | typeof import('./power/messages.js')['powerMessages']
  | typeof import('./network/messages.js')['networkMessages']
  | typeof import('./host/messages.js')['hostMessages']
  | typeof import('./ups/messages.js')['upsMessages']
  | typeof import('./tls/messages.js')['tlsMessages'];
