// Renders a catalogue template with its parameters. A placeholder names a parameter and, after a
// colon, how to show it: {at:time} {at:datetime} (epoch ms), {forMs:duration} (ms), {n:seconds},
// {size:bytes}, {speed:rate} (bytes per second), {p:percent}, and {cause:msg} — the parameter is
// another key of the same catalogue, rendered with the same parameters. Plain {x} shows x as given.
// Parameters are data (names, addresses, an engine's own error text): renderers mark them so.
import type { MessageParams } from '../protocol/message.js';
import type { Lang } from './define.js';

/** A piece of rendered text: template words, or a parameter's value. */
export type Segment = string | { param: string; text: string };

export interface FormatOptions {
  lang: Lang;
  /** The template of another key (for {x:msg}), in the same language. */
  lookup(key: string): string | undefined;
  /** Clock times; by default HH:MM in this process's local time (the agent's is home's). */
  time?(at: number): string;
  dateTime?(at: number): string;
}

const UNITS: Record<Lang, { s: string; min: string; h: string; d: string; sep: string }> = {
  en: { s: ' s', min: ' min', h: ' h', d: ' d', sep: ' ' },
  'zh-Hans': { s: ' 秒', min: ' 分钟', h: ' 小时', d: ' 天', sep: ' ' },
  'zh-Hant': { s: ' 秒', min: ' 分鐘', h: ' 小時', d: ' 天', sep: ' ' },
};

const pad = (n: number) => String(n).padStart(2, '0');

function localTime(at: number): string {
  const d = new Date(at);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function localDateTime(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${localTime(at)}`;
}

export function formatDuration(ms: number, lang: Lang): string {
  const u = UNITS[lang];
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}${u.s}`;
  if (s < 600 && s % 60 !== 0) return `${Math.floor(s / 60)}${u.min}${u.sep}${s % 60}${u.s}`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m}${u.min}`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 === 0 ? `${h}${u.h}` : `${h}${u.h}${u.sep}${m % 60}${u.min}`;
  return `${Math.floor(h / 24)}${u.d}${u.sep}${h % 24}${u.h}`;
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

export function formatBytes(n: number): string {
  const sign = n < 0 ? '-' : '';
  let x = Math.abs(n);
  let u = 0;
  while (x >= 1024 && u < BYTE_UNITS.length - 1) {
    x /= 1024;
    u++;
  }
  return `${sign}${Number(x.toFixed(u === 0 || x >= 100 ? 0 : 1))} ${BYTE_UNITS[u]}`;
}

function formatParam(kind: string, value: string | number, opts: FormatOptions): string {
  const n = typeof value === 'number' ? value : Number(value);
  const numeric = typeof value === 'number' || (value !== '' && Number.isFinite(n));
  switch (numeric ? kind : '') {
    case 'time':
      return (opts.time ?? localTime)(n);
    case 'datetime':
      return (opts.dateTime ?? localDateTime)(n);
    case 'duration':
      return formatDuration(n, opts.lang);
    case 'seconds':
      return formatDuration(n * 1000, opts.lang);
    case 'bytes':
      return formatBytes(n);
    case 'rate':
      return `${formatBytes(n)}/s`;
    case 'percent':
      return `${Number(n.toFixed(n < 10 ? 1 : 0))}%`;
    default:
      return String(value);
  }
}

/** The template with its placeholders filled, as segments (so a UI can mark parameters as data). */
export function renderSegments(
  template: string,
  params: MessageParams | undefined,
  opts: FormatOptions,
  depth = 0,
): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)(?::(\w+))?\}/g)) {
    const [whole, name, kind] = m as unknown as [string, string, string | undefined];
    const at = m.index ?? 0;
    if (at > last) out.push(template.slice(last, at));
    last = at + whole.length;
    const value = params?.[name];
    if (value === undefined) {
      out.push(whole);
      continue;
    }
    if (kind === 'msg') {
      const inner = depth < 3 ? opts.lookup(String(value)) : undefined;
      if (inner !== undefined) out.push(...renderSegments(inner, params, opts, depth + 1));
      else out.push({ param: name, text: String(value) });
      continue;
    }
    out.push({ param: name, text: formatParam(kind ?? '', value, opts) });
  }
  if (last < template.length) out.push(template.slice(last));
  return out;
}

export function segmentsText(segments: readonly Segment[]): string {
  return segments.map((s) => (typeof s === 'string' ? s : s.text)).join('');
}

/** The names a template's placeholders use (a test compares them across languages). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)(?::\w+)?\}/g)].map((m) => m[1]!).sort();
}
