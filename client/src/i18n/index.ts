// Message lookup, language choice (browser default, manual override) and local date formatting.
import { computed, signal } from '@preact/signals';
import type { Lang, Messages } from './define.js';
import { en } from './en.js';
import { wolMessages } from './wol.js';
import { zhHans } from './zh-Hans.js';
import { zhHant } from './zh-Hant.js';

export type { Lang };

const core: Messages<keyof typeof en> = { en, 'zh-Hans': zhHans, 'zh-Hant': zhHant };

/** Every catalogue: the core, then one per capability (each in its own file beside this one). */
const BUNDLES = [core, wolMessages] as const;

type KeysOf<T> = T extends Messages<infer K> ? K : never;
export type MessageKey = KeysOf<(typeof BUNDLES)[number]>;
export const LANGS: { id: Lang; label: string }[] = [
  { id: 'en', label: 'English' },
  { id: 'zh-Hans', label: '简体中文' },
  { id: 'zh-Hant', label: '繁體中文' },
];
const CATALOGS = Object.fromEntries(
  (['en', 'zh-Hans', 'zh-Hant'] as const).map((l) => [l, Object.assign({}, ...BUNDLES.map((b) => b[l]))]),
) as Record<Lang, Record<MessageKey, string>>;
const PREF_KEY = 'lifeline.lang';

export function detectLang(preferred: readonly string[]): Lang {
  for (const tag of preferred) {
    const t = tag.toLowerCase();
    if (/^zh-(hant|tw|hk|mo)/.test(t)) return 'zh-Hant';
    if (t.startsWith('zh')) return 'zh-Hans';
    if (t.startsWith('en')) return 'en';
  }
  return 'en';
}

function stored(): Lang | null {
  try {
    const v = localStorage.getItem(PREF_KEY);
    return v === 'en' || v === 'zh-Hans' || v === 'zh-Hant' ? v : null;
  } catch {
    return null;
  }
}

export const langChoice = signal<Lang | 'auto'>(stored() ?? 'auto');
export const lang = computed<Lang>(() =>
  langChoice.value === 'auto' ? detectLang(navigator.languages ?? [navigator.language]) : langChoice.value,
);

export function setLang(choice: Lang | 'auto'): void {
  langChoice.value = choice;
  try {
    if (choice === 'auto') localStorage.removeItem(PREF_KEY);
    else localStorage.setItem(PREF_KEY, choice);
  } catch {}
  document.documentElement.lang = lang.value;
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = CATALOGS[lang.value][key] ?? CATALOGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Looks up a message by a key computed at run time (an error code), falling back to `fallback`. */
export function tMaybe(key: string, fallback: string, params: Record<string, string | number> = {}): string {
  return key in CATALOGS.en ? t(key as MessageKey, params) : fallback;
}

export function formatTime(at: number): string {
  return new Intl.DateTimeFormat(lang.value, { hour: '2-digit', minute: '2-digit' }).format(at);
}

export function formatDateTime(at: number): string {
  return new Intl.DateTimeFormat(lang.value, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}

export function formatAgo(at: number, now = Date.now()): string {
  const s = Math.round((now - at) / 1000);
  if (s < 5) return t('time.justNow');
  if (s < 60) return t('time.secondsAgo', { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('time.minutesAgo', { n: m });
  const h = Math.floor(m / 60);
  if (h < 48) return t('time.hoursAgo', { n: h });
  return t('time.daysAgo', { n: Math.floor(h / 24) });
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('duration.seconds', { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('duration.minutes', { n: m });
  const h = Math.floor(m / 60);
  if (h < 48) return t('duration.hours', { h, m: m % 60 });
  return t('duration.days', { d: Math.floor(h / 24), h: h % 24 });
}
