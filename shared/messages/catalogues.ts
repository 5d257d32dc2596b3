// What home says, composed: each part of the agent keeps its catalogue (en, zh-Hans, zh-Hant) in a
// file beside this one and adds it below — one line each. The agent renders English and each push
// subscriber's language from these; the PWA and ctl render the same keys.
import { devicesMessages } from './devices.js';
import { guardMessages } from './guard.js';
import { passkeysMessages } from './passkeys.js';
import { sealedNoticeMessages } from './sealed-notices.js';

export const CATALOGUES = {
  guard: guardMessages,
  devices: devicesMessages,
  sealedNotices: sealedNoticeMessages,
  passkeys: passkeysMessages,
} as const;
