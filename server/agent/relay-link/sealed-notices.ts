// The notices the relay may send for home, written here ahead of time (SPEC §5): "offline" and
// "back" at every link-up, the power-cycle outcomes again with the plug's name when a cycle starts.
// The relay knows when home went dark; it cannot add that to a sealed notice, so the words say only
// what was true when they were written, and the phone stamps the time it arrives.
import type WebPush from 'web-push';
import { toBase64Url } from '../../../shared/bytes.js';
import { langOf } from '../../../shared/messages/define.js';
import { msg, say } from '../../../shared/messages/say.js';
import type { PushPayload } from '../../../shared/protocol/push.js';
import {
  type LinkSealed,
  SEALED_KINDS,
  SEALED_PER_KIND,
  type SealedKind,
} from '../../../shared/protocol/sealed-notices.js';
import type { SubscriptionRecord } from '../notify/repos.js';
import type { PushSigner } from './push-signer.js';

const CYCLE_KINDS: readonly SealedKind[] = [
  'lifeline.cycle-back',
  'lifeline.cycle-lost',
  'lifeline.cycle-kept',
];
const CRITICAL: ReadonlySet<SealedKind> = new Set(['home.offline', 'lifeline.cycle-lost']);

export function sealedPayload(
  kind: SealedKind,
  home: string,
  langTag: string,
  plug: string | undefined,
  now: number,
): PushPayload {
  const lang = langOf(langTag);
  const plugName = plug ?? say(msg('sealed.anyPlug'), lang);
  return {
    v: 1,
    kind,
    title: say(msg(`sealed.${kind}.title`, { home }), lang),
    body: say({ key: `sealed.${kind}.body`, params: { plug: plugName } }, lang),
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
  /** The lifeline plug the outcome notices name; none at link-up ("the lifeline plug"). */
  plug?: string | undefined;
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
        const payload = sealedPayload(kind, o.home, sub.lang, o.plug, o.now);
        bodies.push(toBase64Url(await o.signer.seal(o.webpush, sub, payload)));
      }
      frames.push({ t: 'sealed', sub: sub.id, kind, bodies });
    }
  return frames;
}
