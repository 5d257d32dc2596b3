// What a UPS puts on Home's summary during a power cut: on battery (how long is left) and low
// battery, first of all, since every other problem may follow from it.
import type { EntityTable } from '../../../shared/protocol/vocabulary.js';
import type { Problem } from '../home/problem.js';
import { Words } from '../home/words.js';
import { defineMessages } from '../i18n/define.js';
import { registerMessages, t } from '../i18n/index.js';

export const upsProblemMessages = defineMessages({
  en: {
    'ups.problem.on-battery': '{name} is on battery: the power is out',
    'ups.problem.low-battery': '{name} is almost empty',
    'ups.problem.left': 'About {n} min left.',
  },
  'zh-Hans': {
    'ups.problem.on-battery': '{name} 正在使用电池：停电了',
    'ups.problem.low-battery': '{name} 电量即将耗尽',
    'ups.problem.left': '约剩 {n} 分钟。',
  },
  'zh-Hant': {
    'ups.problem.on-battery': '{name} 正在使用電池：停電了',
    'ups.problem.low-battery': '{name} 電量即將耗盡',
    'ups.problem.left': '約剩 {n} 分鐘。',
  },
});
registerMessages(upsProblemMessages);

export function upsProblems(entities: EntityTable): Problem[] {
  const out: Problem[] = [];
  for (const { id, data: u } of entities.list('ups')) {
    if (u.status !== 'on-battery' && u.status !== 'low-battery') continue;
    out.push({
      id: `ups:${id}:${u.status}`,
      severity: 'critical',
      title: <Words k={`ups.problem.${u.status}`} p={{ name: u.name }} />,
      ...(u.runtimeSeconds !== undefined
        ? { detail: t('ups.problem.left', { n: Math.floor(u.runtimeSeconds / 60) }) }
        : {}),
    });
  }
  return out;
}
