// Which events notify, and the title of last resort. A notification's title is its event kind's
// `event.<kind>` in home's catalogues (shared/messages/), in the subscriber's language; the body is
// the event's own sentence with its facts.
type Lang = 'en' | 'zh-Hans' | 'zh-Hant';

const FALLBACK: Record<Lang, string> = { en: 'Notice', 'zh-Hans': '通知', 'zh-Hant': '通知' };

/** The title of an event kind that has no `event.<kind>` in home's catalogues (shared/messages/). */
export function fallbackTitle(lang: string): string {
  return FALLBACK[lang === 'zh-Hans' || lang === 'zh-Hant' ? lang : 'en'];
}

/** Info events that are still worth a notification (warnings and critical ones always are). */
export const NOTABLE_INFO = new Set([
  'containers.recovered',
  'containers.engine-back',
  'machines.woke',
  'lifeline.cycle-started',
  'network.ip-changed',
  'network.ddns-recovered',
  'devices.paired',
  'devices.revoked',
  'host.pressure-cleared',
  'host.disk-full-cleared',
  'host.container-memory-cleared',
  'ups.power-back',
  'ups.reachable',
  'ups.rule-done',
]);
