// What home says, composed: each part of the agent keeps its catalogue (en, zh-Hans, zh-Hant) in a
// file beside this one and adds it below — one line each. The agent renders English and each push
// subscriber's language from these; the PWA and ctl render the same keys.
import { agentSays } from './agent.js';
import { containerUsageMessages } from './container-usage.js';
import { containersSays } from './containers.js';
import { devicesMessages } from './devices.js';
import { guardSays } from './guard.js';
import { hostMessages } from './host.js';
import { machinesSays } from './machines.js';
import { networkSays } from './network.js';
import { passkeysMessages } from './passkeys.js';
import { powerSays } from './power.js';
import { sealedNoticeMessages } from './sealed-notices.js';
import { statusMessages } from './status.js';
import { upsMessages } from './ups.js';

export const CATALOGUES = {
  guard: guardSays,
  agent: agentSays,
  machines: machinesSays,
  containers: containersSays,
  power: powerSays,
  network: networkSays,
  host: hostMessages,
  containerUsage: containerUsageMessages,
  status: statusMessages,
  ups: upsMessages,
  devices: devicesMessages,
  sealedNotices: sealedNoticeMessages,
  passkeys: passkeysMessages,
} as const;
