// Small helpers for human output in the terminal.
import { type Lang, langOf } from '../../shared/messages/define.js';

/** The terminal's language for home's messages: LC_ALL, else LANG, as the C library reads them. */
export function terminalLang(): Lang {
  return langOf(process.env.LC_ALL || process.env.LANG);
}

export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((c, i) => {
      widths[i] = Math.max(widths[i] ?? 0, c.length);
    });
  return rows
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

export function clockTime(at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function ago(at: number, now = Date.now()): string {
  return `${duration(now - at)} ago`;
}

/** 4.2% below 10, 42% above, as the catalogues' {x:percent} shows it. */
export function percent(p: number): string {
  return `${Number(p.toFixed(p < 10 ? 1 : 0))}%`;
}
