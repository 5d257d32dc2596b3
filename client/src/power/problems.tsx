// What the plugs put on Home: a plug that does not answer, and one that is off (Turn on as its
// fix) — not while a power-cycle has it off on purpose.
import { PowerOn } from '../../../shared/protocol/power.js';
import type { EntityTable } from '../../../shared/protocol/vocabulary.js';
import { runAction } from '../actions.js';
import type { Problem } from '../home/problem.js';
import { Words } from '../home/words.js';
import { defineMessages } from '../i18n/define.js';
import { formatAgo, registerMessages, t } from '../i18n/index.js';

export const powerProblemMessages = defineMessages({
  en: {
    'power.problem.offline': 'Plug {name} does not answer',
    'power.problem.off': '{name} is switched off',
    'power.problem.powers': 'It powers {list}.',
    'power.problem.lastSeen': 'Last answered {ago}.',
    'power.fix.on': 'Turn on',
  },
  'zh-Hans': {
    'power.problem.offline': '插座 {name} 没有响应',
    'power.problem.off': '{name} 已断电',
    'power.problem.powers': '它为 {list} 供电。',
    'power.problem.lastSeen': '上次响应：{ago}。',
    'power.fix.on': '打开',
  },
  'zh-Hant': {
    'power.problem.offline': '插座 {name} 沒有回應',
    'power.problem.off': '{name} 已斷電',
    'power.problem.powers': '它為 {list} 供電。',
    'power.problem.lastSeen': '上次回應：{ago}。',
    'power.fix.on': '開啟',
  },
});
registerMessages(powerProblemMessages);

export function powerProblems(entities: EntityTable, now: number): Problem[] {
  const out: Problem[] = [];
  for (const { id, data: p } of entities.list('power')) {
    const severity = p.lifeline ? 'critical' : 'warning';
    if (!p.online)
      out.push({
        id: `power:${id}:offline`,
        severity,
        title: <Words k="power.problem.offline" p={{ name: p.name }} />,
        ...(p.seenAt ? { detail: t('power.problem.lastSeen', { ago: formatAgo(p.seenAt, now) }) } : {}),
        href: '#/power',
      });
    else if (p.on === false && !p.cycle)
      out.push({
        id: `power:${id}:off`,
        severity,
        title: <Words k="power.problem.off" p={{ name: p.name }} />,
        ...(p.powers.length > 0
          ? { detail: <Words k="power.problem.powers" p={{ list: p.powers.join(', ') }} /> }
          : {}),
        href: '#/power',
        fix: { label: t('power.fix.on'), run: () => runAction(PowerOn, { target: id }) },
      });
  }
  return out;
}
