// A catalogue of what one part of home says, in the three languages side by side. The English
// literals stay in the type, so `msg(key, params)` can check the parameter names at compile time;
// the compiler checks that the Chinese catalogues have every English key (a test checks that they
// use the same placeholders).
export type Lang = 'en' | 'zh-Hans' | 'zh-Hant';
export const LANG_IDS: readonly Lang[] = ['en', 'zh-Hans', 'zh-Hant'];

export interface Catalogue<E extends Record<string, string>> {
  en: E;
  'zh-Hans': Record<keyof E, string>;
  'zh-Hant': Record<keyof E, string>;
}

export function defineCatalogue<const E extends Record<string, string>>(c: Catalogue<E>): Catalogue<E> {
  return c;
}

/** A language tag from a browser, a push subscription or LANG (zh_TW.UTF-8) → one of ours. */
export function langOf(tag: string | null | undefined): Lang {
  const t = (tag ?? '').toLowerCase().replace(/_/g, '-');
  if (/^zh-(hant|tw|hk|mo)/.test(t)) return 'zh-Hant';
  if (t.startsWith('zh')) return 'zh-Hans';
  return 'en';
}
