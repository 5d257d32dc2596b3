// What the containers capability puts on Home: an engine it cannot reach, a watched or lifeline
// container that is down, looping or unhealthy — each with the tap that fixes it.
import type { ContainerInfo } from '../../../shared/protocol/containers.js';
import { ContainersRestart, ContainersStart } from '../../../shared/protocol/containers.js';
import type { EntityTable } from '../../../shared/protocol/vocabulary.js';
import { runAction } from '../actions.js';
import { Say } from '../components/Say.js';
import type { Problem } from '../home/problem.js';
import { Words } from '../home/words.js';
import { defineMessages } from '../i18n/define.js';
import { registerMessages, t } from '../i18n/index.js';

export const containersProblemMessages = defineMessages({
  en: {
    'containers.problem.engine': 'Docker engine {name} is unreachable',
    'containers.problem.down': '{name} is not running',
    'containers.problem.exit': '{name} stopped with exit {code}',
    'containers.problem.looping': '{name} keeps restarting',
    'containers.problem.unhealthy': '{name} is unhealthy',
    'containers.problem.retrying': 'Lifeline is starting it again ({n} tries so far).',
    'containers.problem.gaveUp': 'Lifeline stopped retrying after {n} tries.',
    'containers.fix.start': 'Start',
    'containers.fix.restart': 'Restart',
  },
  'zh-Hans': {
    'containers.problem.engine': '无法连接 Docker 引擎 {name}',
    'containers.problem.down': '{name} 没有运行',
    'containers.problem.exit': '{name} 已停止，退出码 {code}',
    'containers.problem.looping': '{name} 不断重启',
    'containers.problem.unhealthy': '{name} 健康检查失败',
    'containers.problem.retrying': 'Lifeline 正在重新启动它（已尝试 {n} 次）。',
    'containers.problem.gaveUp': 'Lifeline 尝试 {n} 次后已停止重试。',
    'containers.fix.start': '启动',
    'containers.fix.restart': '重启',
  },
  'zh-Hant': {
    'containers.problem.engine': '無法連線 Docker 引擎 {name}',
    'containers.problem.down': '{name} 沒有執行',
    'containers.problem.exit': '{name} 已停止，結束代碼 {code}',
    'containers.problem.looping': '{name} 不斷重新啟動',
    'containers.problem.unhealthy': '{name} 健康檢查失敗',
    'containers.problem.retrying': 'Lifeline 正在重新啟動它（已嘗試 {n} 次）。',
    'containers.problem.gaveUp': 'Lifeline 嘗試 {n} 次後已停止重試。',
    'containers.fix.start': '啟動',
    'containers.fix.restart': '重新啟動',
  },
});
registerMessages(containersProblemMessages);

const target = (c: ContainerInfo) => `${c.engine}/${c.name}`;
const href = (c: ContainerInfo) => `#/containers/${c.engine}/${c.name}`;

function recoveryLine(c: ContainerInfo) {
  const r = c.recovery;
  if (!r) return undefined;
  if (r.status === 'waiting' || r.status === 'starting')
    return t('containers.problem.retrying', { n: r.attempts });
  if (r.status === 'gave-up') return t('containers.problem.gaveUp', { n: r.attempts });
  return undefined;
}

function containerProblem(c: ContainerInfo): Problem | null {
  if (!c.watched && !c.lifeline) return null;
  // Stopped by someone who meant it (the owner, from here or with docker stop): not something wrong.
  if (c.state !== 'running' && c.stoppedOnPurposeAt != null) return null;
  const severity = c.lifeline ? 'critical' : 'warning';
  const id = `containers:${target(c)}`;
  const running = c.state === 'running';
  if (c.looping)
    return {
      id: `${id}:looping`,
      severity,
      title: <Words k="containers.problem.looping" p={{ name: c.name }} />,
      ...(c.error ? { detail: <span translate={false}>{c.error}</span> } : {}),
      href: href(c),
    };
  if (!running && c.state !== 'restarting') {
    const exited = c.exitCode !== null && c.exitCode !== 0;
    const retry = recoveryLine(c);
    return {
      id: `${id}:down`,
      severity,
      title: exited ? (
        <Words k="containers.problem.exit" p={{ name: c.name, code: c.exitCode! }} />
      ) : (
        <Words k="containers.problem.down" p={{ name: c.name }} />
      ),
      ...(retry
        ? { detail: retry }
        : c.cause
          ? { detail: <Say m={c.cause} text="" /> }
          : c.error
            ? { detail: <span translate={false}>{c.error}</span> }
            : {}),
      href: href(c),
      fix: {
        label: t('containers.fix.start'),
        run: () => runAction(ContainersStart, { target: target(c) }),
      },
    };
  }
  if (c.health === 'unhealthy')
    return {
      id: `${id}:unhealthy`,
      severity: 'warning',
      title: <Words k="containers.problem.unhealthy" p={{ name: c.name }} />,
      ...(c.healthOutput ? { detail: <span translate={false}>{c.healthOutput}</span> } : {}),
      href: href(c),
      fix: {
        label: t('containers.fix.restart'),
        run: () => runAction(ContainersRestart, { target: target(c) }),
      },
    };
  return null;
}

export function containersProblems(entities: EntityTable): Problem[] {
  const out: Problem[] = [];
  const down = new Set<string>();
  for (const { id, data: e } of entities.list('containers.engine')) {
    if (e.reachable) continue;
    down.add(id);
    out.push({
      id: `containers:${id}:engine`,
      severity: 'critical',
      title: <Words k="containers.problem.engine" p={{ name: e.name }} />,
      ...(e.reason ? { detail: <Say m={e.reasonMsg} text={e.reason} /> } : {}),
      href: '#/containers',
    });
  }
  for (const { data: c } of entities.list('containers')) {
    // While its engine is away a container's row is only the last known one.
    if (down.has(c.engine)) continue;
    const p = containerProblem(c);
    if (p) out.push(p);
  }
  return out;
}
