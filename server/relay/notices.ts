// The relay's own notices: only what the relay observed itself (the link went quiet, came back,
// from which address). Worded in the subscriber's language, times in the home's time zone.
import type { PushPayload } from '../../shared/protocol/push.js';

type Lang = 'en' | 'zh-Hans' | 'zh-Hant';

const TEXT = {
  offlineTitle: { en: '{home} is offline', 'zh-Hans': '{home} 已离线', 'zh-Hant': '{home} 已離線' },
  offlineBody: {
    en: 'No contact since {time} (last IP {ip}).',
    'zh-Hans': '自 {time} 起失去联系（最后 IP {ip}）。',
    'zh-Hant': '自 {time} 起失去聯繫（最後 IP {ip}）。',
  },
  backTitle: { en: '{home} is back', 'zh-Hans': '{home} 已恢复', 'zh-Hant': '{home} 已恢復' },
  backBody: {
    en: 'Back after {duration}.',
    'zh-Hans': '离线 {duration} 后恢复。',
    'zh-Hant': '離線 {duration} 後恢復。',
  },
  newIp: {
    en: ' New public IP: {ip} (was {old}).',
    'zh-Hans': ' 新的公网 IP：{ip}（原为 {old}）。',
    'zh-Hant': ' 新的公網 IP：{ip}（原為 {old}）。',
  },
  cycleBackBody: {
    en: 'Back {duration} after the {what}.',
    'zh-Hans': '{what}后 {duration} 恢复。',
    'zh-Hant': '{what}後 {duration} 恢復。',
  },
  cycleLostTitle: {
    en: '{home} did not come back',
    'zh-Hans': '{home} 未能恢复',
    'zh-Hant': '{home} 未能恢復',
  },
  cycleLostBody: {
    en: 'Expected back by {time} after the {what}; still no contact.',
    'zh-Hans': '{what}后预计 {time} 前恢复，但仍无联系。',
    'zh-Hant': '{what}後預計 {time} 前恢復，但仍無聯繫。',
  },
  cycleKeptTitle: {
    en: '{home}: power-cycle done',
    'zh-Hans': '{home}：断电重启完成',
    'zh-Hant': '{home}：斷電重啟完成',
  },
  cycleKeptBody: {
    en: 'The {what} finished and home stayed reachable.',
    'zh-Hans': '{what}已完成，家中一直可以连接。',
    'zh-Hant': '{what}已完成，家中一直可以連線。',
  },
  unknownIp: { en: 'unknown', 'zh-Hans': '未知', 'zh-Hant': '未知' },
} satisfies Record<string, Record<Lang, string>>;

export function asLang(tag: string): Lang {
  return tag === 'zh-Hans' || tag === 'zh-Hant' ? tag : 'en';
}

function fill(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => params[k] ?? m);
}

export function formatClock(at: number, timeZone: string, lang: Lang): string {
  try {
    return new Intl.DateTimeFormat(lang, {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    }).format(at);
  } catch {
    return `${new Intl.DateTimeFormat(lang, {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: 'UTC',
    }).format(at)} UTC`;
  }
}

const UNITS: Record<Lang, { s: string; min: string; h: string }> = {
  en: { s: 's', min: 'min', h: 'h' },
  'zh-Hans': { s: '秒', min: '分钟', h: '小时' },
  'zh-Hant': { s: '秒', min: '分鐘', h: '小時' },
};

export function formatSpan(ms: number, lang: Lang): string {
  const u = UNITS[lang];
  const s = Math.max(1, Math.round(ms / 1000));
  if (s < 120) return `${s} ${u.s}`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} ${u.min}`;
  return `${Math.floor(m / 60)} ${u.h} ${m % 60} ${u.min}`;
}

export interface HomeFacts {
  name: string;
  timeZone: string;
}

export type RelayNotice =
  | { kind: 'home.offline'; since: number; lastIp: string | null }
  | { kind: 'home.back'; downMs: number; ip: string | null; oldIp: string | null }
  | { kind: 'lifeline.cycle-back'; downMs: number; what: string }
  | { kind: 'lifeline.cycle-lost'; until: number; what: string }
  | { kind: 'lifeline.cycle-kept'; what: string };

export function composeNotice(
  notice: RelayNotice,
  home: HomeFacts,
  langTag: string,
  now: number,
): PushPayload {
  const lang = asLang(langTag);
  const p = { home: home.name };
  const base = { v: 1 as const, kind: notice.kind, url: '#/home', at: now, from: 'relay' as const };
  switch (notice.kind) {
    case 'home.offline':
      return {
        ...base,
        tag: 'home-status',
        severity: 'critical',
        title: fill(TEXT.offlineTitle[lang], p),
        body: fill(TEXT.offlineBody[lang], {
          time: formatClock(notice.since, home.timeZone, lang),
          ip: notice.lastIp ?? TEXT.unknownIp[lang],
        }),
      };
    case 'home.back': {
      let body = fill(TEXT.backBody[lang], { duration: formatSpan(notice.downMs, lang) });
      if (notice.ip && notice.oldIp && notice.ip !== notice.oldIp)
        body += fill(TEXT.newIp[lang], { ip: notice.ip, old: notice.oldIp });
      return { ...base, tag: 'home-status', severity: 'info', title: fill(TEXT.backTitle[lang], p), body };
    }
    case 'lifeline.cycle-back':
      return {
        ...base,
        tag: 'home-status',
        severity: 'info',
        title: fill(TEXT.backTitle[lang], p),
        body: fill(TEXT.cycleBackBody[lang], {
          duration: formatSpan(notice.downMs, lang),
          what: notice.what,
        }),
      };
    case 'lifeline.cycle-lost':
      return {
        ...base,
        tag: 'home-status',
        severity: 'critical',
        title: fill(TEXT.cycleLostTitle[lang], p),
        body: fill(TEXT.cycleLostBody[lang], {
          time: formatClock(notice.until, home.timeZone, lang),
          what: notice.what,
        }),
      };
    case 'lifeline.cycle-kept':
      return {
        ...base,
        tag: 'home-status',
        severity: 'info',
        title: fill(TEXT.cycleKeptTitle[lang], p),
        body: fill(TEXT.cycleKeptBody[lang], { what: notice.what }),
      };
  }
}
