// What home says, composed: each part of the agent keeps its catalogue (en, zh-Hans, zh-Hant) in a
// file beside this one and adds it below — one line each. The agent renders English and each push
// subscriber's language from these; the PWA and ctl render the same keys.
import { containerUsageMessages } from './container-usage.js';
import { devicesMessages } from './devices.js';
import { guardMessages } from './guard.js';
import { hostMessages } from './host.js';
import { passkeysMessages } from './passkeys.js';
import { sealedNoticeMessages } from './sealed-notices.js';
import { statusMessages } from './status.js';
import { upsMessages } from './ups.js';

export const CATALOGUES = {
  guard: guardMessages,
  host: hostMessages,
  containerUsage: containerUsageMessages,
  status: statusMessages,
  ups: upsMessages,
  devices: devicesMessages,
  sealedNotices: sealedNoticeMessages,
  passkeys: passkeysMessages,
} as const;
