// The host's time zone name (Europe/Berlin), for notices the relay writes in home's local time.
// Read from TZ or the /etc/localtime link first: asking Intl would load ICU's locale data into
// memory (about 8 MB of a long-running agent) for one string.
import { readFileSync, readlinkSync } from 'node:fs';

let cached: string | undefined;

export function localTimeZone(): string {
  cached ??= fromEnvironment() ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  return cached;
}

function fromEnvironment(): string | undefined {
  const tz = process.env.TZ?.replace(/^:/, '');
  if (tz && /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return tz;
  try {
    const zone = /zoneinfo\/(.+)$/.exec(readlinkSync('/etc/localtime'))?.[1];
    if (zone) return zone;
  } catch {}
  try {
    const zone = readFileSync('/etc/timezone', 'utf8').trim();
    if (/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone)) return zone;
  } catch {}
  return undefined;
}
