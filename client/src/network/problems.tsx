// What the network puts on Home: a name that points elsewhere than home's address (stale once
// resolvers' caches should have caught up) and a failing DDNS update — Update DDNS as the fix.
import { NetworkDdnsUpdate } from '../../../shared/protocol/network.js';
import type { EntityTable } from '../../../shared/protocol/vocabulary.js';
import { runAction } from '../actions.js';
import type { Problem, ProblemFix } from '../home/problem.js';
import { Words } from '../home/words.js';
import { defineMessages } from '../i18n/define.js';
import { registerMessages, t } from '../i18n/index.js';

export const networkProblemMessages = defineMessages({
  en: {
    'network.problem.stale': '{name} still points to an old address',
    'network.problem.mismatch': '{name} does not point to home yet',
    'network.problem.ddns': 'The DDNS update of {name} keeps failing',
    'network.problem.failures': '{n} failed attempts.',
    'network.fix.ddns': 'Update DDNS',
  },
  'zh-Hans': {
    'network.problem.stale': '{name} 仍指向旧地址',
    'network.problem.mismatch': '{name} 尚未指向家里的地址',
    'network.problem.ddns': '{name} 的 DDNS 更新一直失败',
    'network.problem.failures': '已失败 {n} 次。',
    'network.fix.ddns': '更新 DDNS',
  },
  'zh-Hant': {
    'network.problem.stale': '{name} 仍指向舊位址',
    'network.problem.mismatch': '{name} 尚未指向家裡的位址',
    'network.problem.ddns': '{name} 的 DDNS 更新一直失敗',
    'network.problem.failures': '已失敗 {n} 次。',
    'network.fix.ddns': '更新 DDNS',
  },
});
registerMessages(networkProblemMessages);

export function networkProblems(entities: EntityTable): Problem[] {
  const out: Problem[] = [];
  const ddns = new Map(entities.list('network.ddns').map((e) => [e.data.record, e.data]));
  const fixFor = (name: string): ProblemFix | undefined =>
    ddns.has(name)
      ? { label: t('network.fix.ddns'), run: () => runAction(NetworkDdnsUpdate, { target: name }) }
      : undefined;
  const named = new Set<string>();
  for (const { data: n } of entities.list('network.name')) {
    if (n.status !== 'stale' && n.status !== 'mismatch') continue;
    named.add(n.name);
    const fix = fixFor(n.name);
    out.push({
      id: `network:${n.name}:${n.status}`,
      severity: n.status === 'stale' ? 'critical' : 'warning',
      title: <Words k={`network.problem.${n.status}`} p={{ name: n.name }} />,
      ...(fix ? { fix } : {}),
    });
  }
  for (const d of ddns.values()) {
    if (d.status !== 'retrying' || named.has(d.record)) continue;
    out.push({
      id: `network:${d.record}:ddns`,
      severity: 'warning',
      title: <Words k="network.problem.ddns" p={{ name: d.record }} />,
      detail: t('network.problem.failures', { n: d.failures }),
      fix: fixFor(d.record)!,
    });
  }
  return out;
}
