// The notices the relay may send for home, written here ahead of time (SPEC §5): "offline" and
// "back" at every link-up, the power-cycle outcomes again with the plug's name when a cycle starts.
// The relay knows when home went dark; it cannot add that to a sealed notice, so the words say only
// what was true when they were written, and the phone stamps the time it arrives.
import type WebPush from 'web-push';
import { toBase64Url } from '../../../shared/bytes.js';
import type { PushPayload } from '../../../shared/protocol/push.js';
import {
  type LinkSealed,
  SEALED_KINDS,
  SEALED_PER_KIND,
  type SealedKind,
} from '../../../shared/protocol/sealed-notices.js';
import type { SubscriptionRecord } from '../notify/repos.js';
import type { PushSigner } from './push-signer.js';

type Lang = 'en' | 'zh-Hans' | 'zh-Hant';

const TEXT: Record<SealedKind, { title: Record<Lang, string>; body: Record<Lang, string> }> = {
  'home.offline': {
    title: { en: '{home} is offline', 'zh-Hans': '{home} 已离线', 'zh-Hant': '{home} 已離線' },
    body: {
      en: 'The relay lost contact with home. Open Lifeline for the last known state.',
      'zh-Hans': '中继与家中失去联系。打开 Lifeline 查看最后已知状态。',
      'zh-Hant': '中繼與家中失去聯繫。打開 Lifeline 查看最後已知狀態。',
    },
  },
  'home.back': {
    title: { en: '{home} is back', 'zh-Hans': '{home} 已恢复', 'zh-Hant': '{home} 已恢復' },
    body: {
      en: 'The relay has contact with home again.',
      'zh-Hans': '中继已重新与家中取得联系。',
      'zh-Hant': '中繼已重新與家中取得聯繫。',
    },
  },
  'lifeline.cycle-back': {
    title: { en: '{home} is back', 'zh-Hans': '{home} 已恢复', 'zh-Hant': '{home} 已恢復' },
    body: {
      en: 'Home came back after the {what}.',
      'zh-Hans': '{what}后家中已恢复。',
      'zh-Hant': '{what}後家中已恢復。',
    },
  },
  'lifeline.cycle-lost': {
    title: { en: '{home} did not come back', 'zh-Hans': '{home} 未能恢复', 'zh-Hant': '{home} 未能恢復' },
    body: {
      en: 'Home did not come back in the expected time after the {what}.',
      'zh-Hans': '{what}后家中未在预计时间内恢复。',
      'zh-Hant': '{what}後家中未在預計時間內恢復。',
    },
  },
  'lifeline.cycle-kept': {
    title: {
      en: '{home}: power-cycle done',
      'zh-Hans': '{home}：断电重启完成',
      'zh-Hant': '{home}：斷電重啟完成',
    },
    body: {
      en: 'The {what} finished and home stayed reachable.',
      'zh-Hans': '{what}已完成，家中一直可以连接。',
      'zh-Hant': '{what}已完成，家中一直可以連線。',
    },
  },
};

const CYCLE_KINDS: readonly SealedKind[] = [
  'lifeline.cycle-back',
  'lifeline.cycle-lost',
  'lifeline.cycle-kept',
];
const CRITICAL: ReadonlySet<SealedKind> = new Set(['home.offline', 'lifeline.cycle-lost']);

const fill = (t: string, p: Record<string, string>) => t.replace(/\{(\w+)\}/g, (m, k: string) => p[k] ?? m);

export function sealedPayload(
  kind: SealedKind,
  home: string,
  langTag: string,
  what: string,
  now: number,
): PushPayload {
  const lang: Lang = langTag === 'zh-Hans' || langTag === 'zh-Hant' ? langTag : 'en';
  return {
    v: 1,
    kind,
    title: fill(TEXT[kind].title[lang], { home }),
    body: fill(TEXT[kind].body[lang], { what }),
    url: '#/home',
    tag: 'home-status',
    severity: CRITICAL.has(kind) ? 'critical' : 'info',
    at: now,
    from: 'agent',
    sealed: true,
  };
}

export interface SealOptions {
  webpush: typeof WebPush;
  signer: PushSigner;
  home: string;
  now: number;
  /** The power-cycle the outcome notices are about; a generic phrase at link-up. */
  what: string;
  /** Only the power-cycle outcomes (a cycle is starting). */
  cycleOnly?: boolean;
}

/** One `sealed` frame per subscription and kind, each with SEALED_PER_KIND notices. */
export async function sealNotices(
  subs: readonly SubscriptionRecord[],
  o: SealOptions,
): Promise<LinkSealed[]> {
  const frames: LinkSealed[] = [];
  for (const sub of subs)
    for (const kind of o.cycleOnly ? CYCLE_KINDS : SEALED_KINDS) {
      const bodies: string[] = [];
      for (let i = 0; i < SEALED_PER_KIND; i++) {
        const payload = sealedPayload(kind, o.home, sub.lang, o.what, o.now);
        bodies.push(toBase64Url(await o.signer.seal(o.webpush, sub, payload)));
      }
      frames.push({ t: 'sealed', sub: sub.id, kind, bodies });
    }
  return frames;
}
