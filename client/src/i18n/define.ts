// A capability's messages in all three languages, side by side; the compiler checks that the
// Chinese catalogues have every English key. (What home says lives in shared/messages/.)
export type { Lang } from '../../../shared/messages/define.js';

export interface Messages<K extends string> {
  en: Record<K, string>;
  'zh-Hans': Record<K, string>;
  'zh-Hant': Record<K, string>;
}

export function defineMessages<const K extends string>(m: Messages<K>): Messages<K> {
  return m;
}
