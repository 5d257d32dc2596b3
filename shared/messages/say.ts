// What home says, as data and as text: `msg(key, params)` makes a message (its parameter names
// checked against the English template at compile time); `say(ref, lang)` renders one in a
// language — the agent for its English log lines and each subscriber's push, ctl for its terminal.
// The PWA renders the same catalogues through its i18n module.
import { type ErrorCode, LifelineError } from '../protocol/errors.js';
import { isMessageRef, type MessageParams, type MessageRef, type Text } from '../protocol/message.js';
import { CATALOGUES } from './catalogues.js';
import { LANG_IDS, type Lang } from './define.js';
import { type FormatOptions, renderSegments, type Segment, segmentsText } from './format.js';

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;
type English = UnionToIntersection<(typeof CATALOGUES)[keyof typeof CATALOGUES]['en']>;
export type HomeMessageKey = keyof English & string;

type Names<S> = S extends `${string}{${infer P}}${infer Rest}`
  ? (P extends `${infer N}:${string}` ? N : P) | Names<Rest>
  : never;
/** The parameters a key's English template names (more are allowed: a {x:msg} inner message's). */
export type ParamsOf<K extends HomeMessageKey> = [Names<English[K]>] extends [never]
  ? MessageParams | undefined
  : Record<Names<English[K]>, string | number> & MessageParams;

/** Every catalogue merged, by language. */
export const HOME_MESSAGES: Record<Lang, Record<string, string>> = { en: {}, 'zh-Hans': {}, 'zh-Hant': {} };
for (const c of Object.values(CATALOGUES))
  for (const l of LANG_IDS) Object.assign(HOME_MESSAGES[l], (c as Record<Lang, Record<string, string>>)[l]);

export function msg<K extends HomeMessageKey>(
  key: K,
  ...params: [Names<English[K]>] extends [never] ? [MessageParams?] : [ParamsOf<K>]
): MessageRef {
  const p = params[0];
  if (!p) return { key };
  const clean: MessageParams = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== null) clean[k] = v;
  return { key, params: clean };
}

export function knows(key: string): boolean {
  return Object.hasOwn(HOME_MESSAGES.en, key);
}

export function saySegments(
  ref: MessageRef,
  lang: Lang,
  opts: Partial<Omit<FormatOptions, 'lang'>> = {},
): Segment[] {
  const lookup = (key: string) => HOME_MESSAGES[lang][key] ?? HOME_MESSAGES.en[key];
  const template = lookup(ref.key);
  if (template === undefined) return [ref.key, ...(ref.params ? [` ${JSON.stringify(ref.params)}`] : [])];
  return renderSegments(template, ref.params, { lookup, ...opts, lang });
}

/** A message in a language (English for an unknown language; the key itself for an unknown key). */
export function say(text: Text, lang: Lang = 'en', opts: Partial<Omit<FormatOptions, 'lang'>> = {}): string {
  return typeof text === 'string' ? text : segmentsText(saySegments(text, lang, opts));
}

export function english(text: Text): string {
  return say(text, 'en');
}

/** The message of a Text, when it is one (the new wire fields carry only these). */
export function refOf(text: Text | undefined): MessageRef | undefined {
  return isMessageRef(text) ? text : undefined;
}

/** An error that says a catalogue message: English `message`, the message itself in `msg`. */
export function fail(code: ErrorCode, ref: MessageRef, params?: MessageParams): LifelineError {
  return new LifelineError(code, english(ref), params, ref);
}
