// A capability's messages in all three languages, side by side; the compiler checks that the
// Chinese catalogues have every English key.
export type Lang = 'en' | 'zh-Hans' | 'zh-Hant';

export interface Messages<K extends string> {
  en: Record<K, string>;
  'zh-Hans': Record<K, string>;
  'zh-Hant': Record<K, string>;
}

export function defineMessages<const K extends string>(m: Messages<K>): Messages<K> {
  return m;
}
