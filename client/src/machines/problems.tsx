// What Wake-on-LAN puts on Home: a machine that does not answer (asleep or off) with Wake as its
// fix, and one whose state cannot be told.
import { type HostInfo, MachinesWake } from '../../../shared/protocol/machines.js';
import type { EntityTable } from '../../../shared/protocol/vocabulary.js';
import { runAction } from '../actions.js';
import type { Problem } from '../home/problem.js';
import { Words } from '../home/words.js';
import { defineMessages } from '../i18n/define.js';
import { formatAgo, registerMessages, t } from '../i18n/index.js';

export const machinesProblemMessages = defineMessages({
  en: {
    'machines.problem.offline': '{name} is asleep or off',
    'machines.problem.unknown': 'Lifeline cannot tell whether {name} is up',
    'machines.problem.lastSeen': 'Last seen {ago}.',
    'machines.problem.waking': 'Waking it…',
    'machines.fix.wake': 'Wake',
  },
  'zh-Hans': {
    'machines.problem.offline': '{name} 处于休眠或关机状态',
    'machines.problem.unknown': 'Lifeline 无法判断 {name} 是否在线',
    'machines.problem.lastSeen': '上次在线：{ago}。',
    'machines.problem.waking': '正在唤醒…',
    'machines.fix.wake': '唤醒',
  },
  'zh-Hant': {
    'machines.problem.offline': '{name} 處於睡眠或關機狀態',
    'machines.problem.unknown': 'Lifeline 無法判斷 {name} 是否在線',
    'machines.problem.lastSeen': '上次在線：{ago}。',
    'machines.problem.waking': '正在喚醒…',
    'machines.fix.wake': '喚醒',
  },
});
registerMessages(machinesProblemMessages);

function waking(h: HostInfo): boolean {
  return h.wake !== null && (h.wake.stage === 'sent' || h.wake.stage === 'waiting');
}

export function machinesProblems(entities: EntityTable, now: number): Problem[] {
  const out: Problem[] = [];
  for (const { id, data: h } of entities.list('machines')) {
    const fix = {
      label: t('machines.fix.wake'),
      run: () => runAction(MachinesWake, { target: id, args: {} }),
    };
    if (h.presence.state === 'offline')
      out.push({
        id: `machines:${id}:offline`,
        severity: 'warning',
        title: <Words k="machines.problem.offline" p={{ name: h.name }} />,
        ...(waking(h)
          ? { detail: t('machines.problem.waking') }
          : h.presence.lastSeenAt
            ? { detail: t('machines.problem.lastSeen', { ago: formatAgo(h.presence.lastSeenAt, now) }) }
            : {}),
        href: '#/machines',
        fix,
      });
    else if (h.presence.state === 'unknown' && h.presence.problem)
      out.push({
        id: `machines:${id}:unknown`,
        severity: 'warning',
        title: <Words k="machines.problem.unknown" p={{ name: h.name }} />,
        href: '#/machines',
      });
  }
  return out;
}
