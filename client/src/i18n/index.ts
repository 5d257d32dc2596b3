// Message lookup, language choice (browser default, manual override) and local date formatting.
import { computed, signal } from '@preact/signals';
import { renderSegments, type Segment, segmentsText } from '../../../shared/messages/format.js';
import type { MessageRef } from '../../../shared/protocol/message.js';
import type { CapabilityMessages } from '../capabilities.js';
import type { Lang, Messages } from './define.js';
import { en } from './en.js';

export type { Lang };

/**
 * Every catalogue by type: the core, then one per capability (listed in capabilities.ts). At run
 * time only English and the Home screen's catalogues load with the app; a Chinese core catalogue
 * loads when that language is chosen, and a capability's catalogue with its screen or card
 * (registerMessages), to keep the first load small.
 */
type AllBundles = Messages<keyof typeof en> | CapabilityMessages;

type KeysOf<T> = T extends Messages<infer K> ? K : never;
export type MessageKey = KeysOf<AllBundles>;
export const LANGS: { id: Lang; label: string }[] = [
  { id: 'en', label: 'English' },
  { id: 'zh-Hans', label: '简体中文' },
  { id: 'zh-Hant', label: '繁體中文' },
];
const CATALOGS: Record<Lang, Record<string, string>> = { en: { ...en }, 'zh-Hans': {}, 'zh-Hant': {} };
/** Bumped when messages arrive, so components re-render with them. */
const catalogVersion = signal(0);
const coreLoaded = new Set<Lang>(['en']);

export function registerMessages(bundle: Messages<string>): void {
  for (const l of LANGS) Object.assign(CATALOGS[l.id], bundle[l.id]);
  catalogVersion.value++;
}

/** Whether the catalogues of what home says (shared/messages/) are in. */
export const homeMessagesLoaded = signal(false);

/**
 * Loads what home says, in every language (its own chunk: Activity, confirmations and refusals need
 * it, the first paint does not). Until it is in, a message shows the English the agent sent with it.
 */
export async function loadHomeMessages(): Promise<void> {
  if (homeMessagesLoaded.value) return;
  const { CATALOGUES } = await import('../../../shared/messages/catalogues.js');
  for (const c of Object.values(CATALOGUES)) registerMessages(c as Messages<string>);
  homeMessagesLoaded.value = true;
}

/** Loads a language's core catalogue (call before rendering in it). */
export async function ensureLanguage(l: Lang): Promise<void> {
  if (coreLoaded.has(l)) return;
  const catalog =
    l === 'zh-Hans' ? (await import('./zh-Hans.js')).zhHans : (await import('./zh-Hant.js')).zhHant;
  Object.assign(CATALOGS[l], catalog);
  coreLoaded.add(l);
  catalogVersion.value++;
}
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

export async function setLang(choice: Lang | 'auto'): Promise<void> {
  const next = choice === 'auto' ? detectLang(navigator.languages ?? [navigator.language]) : choice;
  await ensureLanguage(next);
  langChoice.value = choice;
  try {
    if (choice === 'auto') localStorage.removeItem(PREF_KEY);
    else localStorage.setItem(PREF_KEY, choice);
  } catch {}
  document.documentElement.lang = lang.value;
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  void catalogVersion.value;
  const text = CATALOGS[lang.value][key] ?? CATALOGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** Looks up a message by a key computed at run time (an error code), falling back to `fallback`. */
export function tMaybe(key: string, fallback: string, params: Record<string, string | number> = {}): string {
  void catalogVersion.value;
  return key in CATALOGS.en ? t(key as MessageKey, params) : fallback;
}

/** Whether a message from home can be said in the current language (else: its English, marked as such). */
export function canSay(ref: MessageRef | undefined): ref is MessageRef {
  void catalogVersion.value;
  return ref !== undefined && ref.key in CATALOGS.en;
}

/** A message from home, rendered in the current language, as text and parameter segments. */
export function sayParts(ref: MessageRef): Segment[] {
  void catalogVersion.value;
  const l = lang.value;
  const lookup = (key: string) => CATALOGS[l][key] ?? CATALOGS.en[key];
  return renderSegments(lookup(ref.key) ?? ref.key, ref.params, {
    lang: l,
    lookup,
    time: formatTime,
    dateTime: formatDateTime,
  });
}

/** A message from home as plain text: in the current language when known, else `fallback` (its English). */
export function say(ref: MessageRef | undefined, fallback: string): string {
  return canSay(ref) ? segmentsText(sayParts(ref)) : fallback;
}

/** A time of day as the owner's language writes it ("1:13 PM", "13:13"): no padded hour. */
export function formatTime(at: number): string {
  return new Intl.DateTimeFormat(lang.value, { hour: 'numeric', minute: '2-digit' }).format(at);
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

/**
 * A translated sentence with elements in it (a device name marked {...DATA}, a link):
 * "{device} paired" → ["", <b>Phone</b>, " paired"]. Keeps data out of the translated text.
 */
export function tParts<T>(key: MessageKey, parts: Record<string, T>): (string | T)[] {
  const text = t(key);
  const out: (string | T)[] = [];
  let last = 0;
  for (const m of text.matchAll(/\{(\w+)\}/g)) {
    const name = m[1]!;
    if (!(name in parts)) continue;
    out.push(text.slice(last, m.index));
    out.push(parts[name]!);
    last = m.index! + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}
