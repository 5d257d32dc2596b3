// Filling a message template with typed parameters: `{x:bytes}`, `{x:rate}` (bytes per second),
// `{x:duration}` (milliseconds), `{x:percent}`, `{x:time}` (epoch ms, as a clock time); plain `{x}`
// is shown as given. The agent fills its English defaults with the English formatters below; a
// client passes its own, in the owner's language.

export interface Formatters {
  bytes(n: number): string;
  duration(ms: number): string;
  percent(p: number): string;
  time(at: number): string;
}

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** Binary units with the short names people use (`docker run -m 512m` shows as 512 MB). */
export function formatBytes(n: number): string {
  const sign = n < 0 ? '-' : '';
  let x = Math.abs(n);
  let u = 0;
  while (x >= 1024 && u < UNITS.length - 1) {
    x /= 1024;
    u++;
  }
  const digits = u === 0 || x >= 100 ? 0 : 1;
  return `${sign}${Number(x.toFixed(digits))} ${UNITS[u]}`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
}

export function formatPercent(p: number): string {
  return `${Number(p.toFixed(p < 10 ? 1 : 0))}%`;
}

/** HH:MM in the given zone (the agent's own by default). */
export function formatClock(at: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  }).format(at);
}

export const ENGLISH: Formatters = {
  bytes: formatBytes,
  duration: formatDuration,
  percent: formatPercent,
  time: (at) => formatClock(at),
};

export function fillTemplate(
  template: string,
  params: Readonly<Record<string, string | number>>,
  f: Formatters = ENGLISH,
): string {
  return template.replace(/\{(\w+)(?::(\w+))?\}/g, (whole, name: string, kind?: string) => {
    const x = params[name];
    if (x === undefined) return whole;
    if (typeof x === 'string' || kind === undefined) return String(x);
    switch (kind) {
      case 'bytes':
        return f.bytes(x);
      case 'rate':
        return `${f.bytes(x)}/s`;
      case 'duration':
        return f.duration(x);
      case 'percent':
        return f.percent(x);
      case 'time':
        return f.time(x);
      default:
        return String(x);
    }
  });
}
